package io.gtask.periodic;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.gtask.core.TaskMessageCodec;
import io.gtask.lifecycle.AbstractSmartLifecycle;
import io.gtask.send.TaskSender;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.log.LogAccessor;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.util.Assert;

/**
 * Sends the tasks of periodic schedules: at each tick of a schedule's cron expression, one
 * task, sent by exactly one of the instances that run a scheduler on the same Redis.
 * <p>
 * Every instance runs the same passes on its own thread: for each schedule it takes the next tick
 * after the last one fired (known from the {@link PeriodicTickStore}, or the start time when
 * none is known) and, once the tick is due, fires it through the store, which records the tick
 * and queues its task in one atomic step unless the tick was fired already. Instances race for
 * each tick and exactly one wins; the others learn the new last tick and move on. Instances may
 * start and stop at any time.
 * <p>
 * A tick still fired within the {@linkplain #setGrace(Duration) grace period} after its due
 * time is on time. Older ticks were missed, because every instance was down or could not reach
 * Redis: the schedule's {@link MissedTickPolicy} either skips them or sends one task for the
 * latest of them. The next pass is scheduled for the earliest next tick, but at most a second
 * later, so that a change of the clock or the end of a Redis outage is noticed soon.
 * <p>
 * Passes run on a thread of the scheduler's own ({@code gtask-periodic-1}) unless another
 * {@linkplain #setTaskScheduler scheduler} is set: a tick must fire within the grace period, so
 * passes should not wait behind slower jobs.
 * <p>
 * The task of a tick has the id {@code <schedule id>@<tick in epoch millis>}, and is sent
 * through the {@link TaskSender}: recorded as {@code PENDING} in the result backend by every
 * instance that fires the tick, and queued by the one that wins it.
 */
public class PeriodicTaskScheduler extends AbstractSmartLifecycle implements SmartInitializingSingleton {

	/**
	 * The default grace period.
	 */
	public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

	/**
	 * Header of a periodic task's message that names its schedule.
	 */
	public static final String SCHEDULE_HEADER = "gtask-schedule";

	/**
	 * Header of a periodic task's message that holds its tick, as an ISO-8601 instant.
	 */
	public static final String TICK_HEADER = "gtask-tick";

	private static final LogAccessor logger = new LogAccessor(PeriodicTaskScheduler.class);

	private static final long MAX_SLEEP_MILLIS = 1000;

	private static final long STOP_WAIT_SECONDS = 10;

	private final ScheduleTicker ticker;

	private final TaskMessageCodec codec;

	private final Supplier<? extends List<PeriodicSchedule>> scheduleSource;

	private final ReentrantLock passLock = new ReentrantLock();

	private volatile @Nullable List<ScheduleState> states;

	private Duration grace = DEFAULT_GRACE;

	private @Nullable Instant startedAt;

	private boolean failing;

	/**
	 * Counts starts, so that a pass of an earlier run, still scheduled when the scheduler was
	 * stopped and started again, schedules no further pass.
	 */
	private volatile long generation;

	private volatile @Nullable ScheduledFuture<?> nextPass;

	/**
	 * Create a scheduler of fixed schedules.
	 * @param tickStore the store of last ticks, shared by all instances
	 * @param sender the sender of the tasks
	 * @param codec the message codec, to check the arguments of the schedules
	 * @param schedules the schedules
	 */
	public PeriodicTaskScheduler(PeriodicTickStore tickStore, TaskSender sender, TaskMessageCodec codec,
			List<PeriodicSchedule> schedules) {
		this(tickStore, sender, codec, () -> schedules);
	}

	/**
	 * Create a scheduler of schedules known only once the application context is ready, for
	 * example those of {@code @TaskHandler} methods. The supplier is called once, when all
	 * singletons are instantiated, or else on the first start or pass.
	 * @param tickStore the store of last ticks, shared by all instances
	 * @param sender the sender of the tasks
	 * @param codec the message codec, to check the arguments of the schedules
	 * @param schedules supplies the schedules
	 */
	public PeriodicTaskScheduler(PeriodicTickStore tickStore, TaskSender sender, TaskMessageCodec codec,
			Supplier<? extends List<PeriodicSchedule>> schedules) {
		super(WORKER_PHASE, "gtask-periodic-");
		this.ticker = new ScheduleTicker(tickStore, new TickFirer(tickStore, sender));
		this.codec = codec;
		this.scheduleSource = schedules;
	}

	/**
	 * Set the time after a tick within which firing it is still on time; older ticks are
	 * missed and handled by the schedule's {@link MissedTickPolicy}.
	 * @param grace the grace period, zero or more
	 */
	public void setGrace(Duration grace) {
		Assert.isTrue(!grace.isNegative(), "grace must not be negative");
		this.grace = grace;
	}

	/**
	 * The grace period.
	 * @return the grace period
	 */
	public Duration getGrace() {
		return this.grace;
	}

	/**
	 * The schedules of this scheduler.
	 * @return the schedules
	 * @throws IllegalStateException if two schedules have the same id or the arguments of one
	 * cannot be written as JSON
	 */
	public List<PeriodicSchedule> getSchedules() {
		return states().stream().map(ScheduleState::schedule).toList();
	}

	@Override
	public void afterSingletonsInstantiated() {
		// fail at startup, not at the first tick, on schedules that cannot work
		states();
	}

	private List<ScheduleState> states() {
		List<ScheduleState> states = this.states;
		if (states == null) {
			this.passLock.lock();
			try {
				states = this.states;
				if (states == null) {
					states = ScheduleState.of(this.scheduleSource.get(), this.codec);
					this.states = states;
				}
			}
			finally {
				this.passLock.unlock();
			}
		}
		return states;
	}

	@Override
	protected void doStart() {
		List<ScheduleState> states = states();
		this.passLock.lock();
		try {
			this.startedAt = getClock().instant();
			// other instances fired ticks while this one was stopped: read the last ones again
			states.forEach(ScheduleState::forget);
		}
		finally {
			this.passLock.unlock();
		}
		if (states.isEmpty()) {
			logger.debug("No periodic schedules");
			return;
		}
		logger.info(() -> "Periodic schedules active: " + states.stream()
			.map((state) -> state.schedule().describe())
			.collect(Collectors.joining(", ")));
		long generation = ++this.generation;
		this.nextPass = schedule(() -> runPass(generation), Duration.ZERO);
	}

	@Override
	protected void doStop() {
		ScheduledFuture<?> nextPass = this.nextPass;
		this.nextPass = null;
		if (nextPass != null) {
			nextPass.cancel(false);
		}
		// a pass in progress ends within the Redis timeout
		try {
			if (this.passLock.tryLock(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
				this.passLock.unlock();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void runPass(long generation) {
		if (generation != this.generation || !isRunning()) {
			return;
		}
		long sleep = MAX_SLEEP_MILLIS;
		try {
			Pass pass = pass();
			if (!pass.failed() && pass.next() != null) {
				long untilNext = Duration.between(getClock().instant(), pass.next()).toMillis() + 1;
				sleep = Math.max(1, Math.min(untilNext, MAX_SLEEP_MILLIS));
			}
		}
		catch (RuntimeException ex) {
			logger.error(ex, "Periodic scheduler pass failed; trying again in a second");
		}
		if (generation != this.generation || !isRunning()) {
			return;
		}
		try {
			this.nextPass = schedule(() -> runPass(generation), Duration.ofMillis(sleep));
		}
		catch (IllegalStateException | TaskRejectedException ex) {
			// stopped meanwhile
		}
	}

	/**
	 * Fire every tick that is due at the clock's current time, applying the missed-tick policy
	 * to ticks older than the grace period: one pass of the scheduler's loop, for tests that
	 * control the clock, or to fire due ticks at once.
	 * @return the number of tasks this call queued (ticks that another instance fired first are
	 * not counted)
	 * @throws org.springframework.dao.DataAccessException if Redis failed; ticks not fired are
	 * tried again on the next pass
	 */
	public int fireDue() {
		Pass pass = pass();
		if (pass.failure() != null) {
			throw pass.failure();
		}
		return pass.queued();
	}

	private Pass pass() {
		List<ScheduleState> states = states();
		this.passLock.lock();
		try {
			Instant now = getClock().instant();
			Instant startedAt = this.startedAt;
			if (startedAt == null) {
				startedAt = now;
				this.startedAt = now;
			}
			int queued = 0;
			Instant earliest = null;
			RuntimeException failure = null;
			for (ScheduleState state : states) {
				try {
					queued += this.ticker.fireDue(state, now, startedAt, this.grace);
				}
				catch (RuntimeException ex) {
					if (failure == null) {
						failure = ex;
					}
				}
				Instant next = state.next();
				if (next != null && (earliest == null || next.isBefore(earliest))) {
					earliest = next;
				}
			}
			reportFailure(failure);
			return new Pass(queued, earliest, failure);
		}
		finally {
			this.passLock.unlock();
		}
	}

	private void reportFailure(@Nullable RuntimeException failure) {
		if (failure != null && !this.failing) {
			this.failing = true;
			logger.warn(failure, "Could not fire periodic tasks; trying again every second until Redis answers");
		}
		else if (failure == null && this.failing) {
			this.failing = false;
			logger.info("Firing periodic tasks works again");
		}
	}

	private record Pass(int queued, @Nullable Instant next, @Nullable RuntimeException failure) {

		boolean failed() {
			return this.failure != null;
		}

	}

}
