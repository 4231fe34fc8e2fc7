package io.gtask.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.Assert;

/**
 * The lifecycle of gtask's background components, written once: {@link #start()} and
 * {@link #stop()} are final, take one lock, do nothing when the component is already in the
 * state asked for, and otherwise call {@link #doStart()} or {@link #doStop()}, as Spring
 * Kafka's {@code AbstractMessageListenerContainer} does. The phase, the auto-startup flag, the
 * clock and the scheduler of the component's timers live here as well.
 * <p>
 * Timers run on the {@linkplain #setTaskScheduler(TaskScheduler) scheduler set}, usually the
 * {@link SharedScheduler} of the auto-configuration; a component used on its own, with none set,
 * gets one daemon thread of its own, named by the prefix given to the constructor, created the
 * first time {@link #getTaskScheduler()} is called while it runs and shut down when it stops.
 * <p>
 * A component adopts this class in five steps:
 * <ol>
 * <li>extend it, passing the phase ({@link #WORKER_PHASE}, {@link #SUPPORT_PHASE} or
 * {@link #STORE_PHASE}, whichever orders it correctly against the others) and the prefix of its
 * own thread;</li>
 * <li>move the body of {@code start()} into {@link #doStart()} and of {@code stop()} into
 * {@link #doStop()}, and drop the lock, the running flag, the phase, the auto-startup flag and
 * the clock it had of its own;</li>
 * <li>let loops read {@link #isRunning()}: it is {@code true} before {@code doStart()} runs and
 * {@code false} before {@code doStop()} runs, so a loop started by {@code doStart()} goes on,
 * and one that checks it between rounds ends once stopping begins;</li>
 * <li>schedule timers with {@link #scheduleWithFixedDelay} or {@link #schedule} in
 * {@code doStart()} (or later, while running), keep their futures, and cancel them in
 * {@code doStop()};</li>
 * <li>if stopping takes long, as a container that waits for running tasks does, override
 * {@link #stop(Runnable)} to call {@link #stopOnNewThread(Runnable, String)}, so that the
 * application context stops the other components of the phase meanwhile.</li>
 * </ol>
 */
public abstract class AbstractSmartLifecycle implements SmartLifecycle {

	/**
	 * The phase of components that consume or produce tasks on their own, the task container
	 * and the periodic scheduler: they start last and stop first.
	 */
	public static final int WORKER_PHASE = Integer.MAX_VALUE - 100;

	/**
	 * The phase of components that watch the workers, such as the statistics recorder and the
	 * reaper: they start before the workers and stop after them.
	 */
	public static final int SUPPORT_PHASE = Integer.MAX_VALUE - 150;

	/**
	 * The phase of result backends: they start before and stop after every component that
	 * writes to them, and stop before the connection factories they use.
	 */
	public static final int STORE_PHASE = Integer.MAX_VALUE - 200;

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private final @Nullable String threadNamePrefix;

	private volatile boolean running;

	private boolean autoStartup = true;

	private int phase;

	private volatile Clock clock = Clock.systemUTC();

	private @Nullable TaskScheduler taskScheduler;

	private @Nullable ThreadPoolTaskScheduler ownScheduler;

	/**
	 * Create a component that has no timers, or whose scheduler is always set. Should it need
	 * a thread of its own, the thread is named after its class.
	 * @param phase the phase it starts and stops in
	 */
	protected AbstractSmartLifecycle(int phase) {
		this.phase = phase;
		this.threadNamePrefix = null;
	}

	/**
	 * Create a component.
	 * @param phase the phase it starts and stops in
	 * @param threadNamePrefix the prefix of the name of the thread it creates for its timers
	 * when no scheduler is set, such as {@code gtask-stats-}
	 */
	protected AbstractSmartLifecycle(int phase, String threadNamePrefix) {
		Assert.hasText(threadNamePrefix, "Thread name prefix must not be empty");
		this.phase = phase;
		this.threadNamePrefix = threadNamePrefix;
	}

	/**
	 * Set the scheduler on which the component's timers run, usually the one its siblings
	 * share. It is not shut down by the component.
	 * @param taskScheduler the scheduler
	 */
	public void setTaskScheduler(TaskScheduler taskScheduler) {
		this.taskScheduler = taskScheduler;
	}

	/**
	 * Set the clock the component reads the time from, for tests that control time.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * The clock the component reads the time from.
	 * @return the clock
	 */
	protected final Clock getClock() {
		return this.clock;
	}

	/**
	 * Set whether the component starts with the application context.
	 * @param autoStartup {@code false} to start it by hand
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	/**
	 * Set the phase the component starts and stops in.
	 * @param phase the phase
	 */
	public void setPhase(int phase) {
		this.phase = phase;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

	@Override
	public final boolean isRunning() {
		return this.running;
	}

	/**
	 * Start the component, unless it runs already.
	 * @throws RuntimeException what {@link #doStart()} threw, after which the component is not
	 * running
	 */
	@Override
	public final void start() {
		this.lifecycleLock.lock();
		try {
			if (this.running) {
				return;
			}
			this.running = true;
			try {
				doStart();
			}
			catch (RuntimeException | Error ex) {
				this.running = false;
				shutDownOwnScheduler();
				throw ex;
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	/**
	 * Stop the component, if it runs.
	 */
	@Override
	public final void stop() {
		this.lifecycleLock.lock();
		try {
			if (!this.running) {
				return;
			}
			this.running = false;
			try {
				doStop();
			}
			finally {
				shutDownOwnScheduler();
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	/**
	 * Stop the component on the calling thread, then run the callback.
	 * @param callback told that stopping is done
	 */
	@Override
	public void stop(Runnable callback) {
		try {
			stop();
		}
		finally {
			callback.run();
		}
	}

	/**
	 * Stop the component on a new daemon thread, then run the callback there; for components
	 * whose stopping takes long, to call from an override of {@link #stop(Runnable)}.
	 * @param callback told that stopping is done
	 * @param threadName the name of the thread, such as {@code gtask-stop}
	 */
	protected final void stopOnNewThread(Runnable callback, String threadName) {
		// stop() rather than stop(Runnable), which the caller overrides to come here
		Thread stopper = new Thread(() -> {
			try {
				stop();
			}
			finally {
				callback.run();
			}
		}, threadName);
		stopper.setDaemon(true);
		stopper.start();
	}

	/**
	 * Start what the component does in the background. Runs under the lifecycle lock, with
	 * {@link #isRunning()} already {@code true}; if it throws, the component is not running.
	 */
	protected abstract void doStart();

	/**
	 * Stop what the component does in the background, and cancel its timers. Runs under the
	 * lifecycle lock, with {@link #isRunning()} already {@code false}.
	 */
	protected abstract void doStop();

	/**
	 * The scheduler of the component's timers: the one set, or else a daemon thread of the
	 * component's own, created now and shut down when the component stops.
	 * @return the scheduler
	 * @throws IllegalStateException if no scheduler is set and the component is not running
	 */
	protected final TaskScheduler getTaskScheduler() {
		TaskScheduler scheduler = this.taskScheduler;
		if (scheduler != null) {
			return scheduler;
		}
		this.lifecycleLock.lock();
		try {
			ThreadPoolTaskScheduler own = this.ownScheduler;
			if (own == null) {
				// a timer that fires while the component stops must not leave a thread behind
				Assert.state(this.running, "The component is not running");
				own = new ThreadPoolTaskScheduler();
				own.setThreadNamePrefix((this.threadNamePrefix != null) ? this.threadNamePrefix
						: "gtask-" + getClass().getSimpleName() + "-");
				// a component's timer must never keep the JVM of a producer alive
				own.setDaemon(true);
				own.setRemoveOnCancelPolicy(true);
				// a job in progress ends as it would on a shared scheduler: as its future's cancel says
				own.setWaitForTasksToCompleteOnShutdown(true);
				own.initialize();
				own.getScheduledThreadPoolExecutor().setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
				this.ownScheduler = own;
			}
			return own;
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	/**
	 * Run a task again and again, each time one delay after the last run ended, the first one
	 * delay from now.
	 * @param task the task, which should not throw
	 * @param delay the delay
	 * @return the future that cancels it
	 */
	protected final ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
		TaskScheduler scheduler = getTaskScheduler();
		return scheduler.scheduleWithFixedDelay(task, scheduler.getClock().instant().plus(delay), delay);
	}

	/**
	 * Run a task once, after a delay.
	 * @param task the task
	 * @param delay the delay
	 * @return the future that cancels it
	 */
	protected final ScheduledFuture<?> schedule(Runnable task, Duration delay) {
		TaskScheduler scheduler = getTaskScheduler();
		return scheduler.schedule(task, scheduler.getClock().instant().plus(delay));
	}

	private void shutDownOwnScheduler() {
		ThreadPoolTaskScheduler own = this.ownScheduler;
		this.ownScheduler = null;
		if (own != null) {
			own.shutdown();
		}
	}

}
