package io.gtask.stats;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import io.gtask.metrics.TaskMetrics;
import io.gtask.metrics.TaskOutcome;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * Counts what happens to tasks in this instance and adds the counts to a shared
 * {@link TaskStatsStore} at a fixed interval, so that counting costs no Redis command per task.
 * Counts that cannot be written are kept for the next write. It starts before the worker and
 * stops after it, writing what it counted last.
 */
public class TaskStatsRecorder implements TaskMetrics, SmartLifecycle {

	private static final LogAccessor logger = new LogAccessor(TaskStatsRecorder.class);

	/**
	 * The lifecycle phase: before the worker starts, after it stops.
	 */
	public static final int PHASE = Integer.MAX_VALUE - 150;

	private final TaskStatsStore store;

	private final Duration interval;

	private final Map<TaskStatistic, LongAdder> counts = new EnumMap<>(TaskStatistic.class);

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private final ReentrantLock flushLock = new ReentrantLock();

	private Clock clock = Clock.systemUTC();

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Create a recorder.
	 * @param store the shared store
	 * @param interval how often counts are written to the store
	 */
	public TaskStatsRecorder(TaskStatsStore store, Duration interval) {
		Assert.isTrue(!interval.isNegative() && !interval.isZero(), "The interval of task statistics must be positive");
		this.store = store;
		this.interval = interval;
		for (TaskStatistic statistic : TaskStatistic.values()) {
			this.counts.put(statistic, new LongAdder());
		}
	}

	/**
	 * Set the clock whose minute the counts are written to, for tests that control time.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	@Override
	public void sent(String queue, String task) {
		this.counts.get(TaskStatistic.SENT).increment();
	}

	@Override
	public void finished(String queue, String task, TaskOutcome outcome, long durationNanos) {
		switch (outcome) {
			case SUCCESS -> this.counts.get(TaskStatistic.SUCCEEDED).increment();
			case FAILURE, RETRY, TIMEOUT -> this.counts.get(TaskStatistic.FAILED).increment();
			default -> {
			}
		}
	}

	@Override
	public void deadLettered(String queue, @Nullable String task) {
		this.counts.get(TaskStatistic.DEAD).increment();
	}

	/**
	 * Write the counts gathered since the last write to the store now.
	 * @return whether the counts were written (or there were none)
	 */
	public boolean flush() {
		this.flushLock.lock();
		try {
			Map<TaskStatistic, Long> pending = new EnumMap<>(TaskStatistic.class);
			this.counts.forEach((statistic, adder) -> {
				long count = adder.sumThenReset();
				if (count != 0) {
					pending.put(statistic, count);
				}
			});
			if (pending.isEmpty()) {
				return true;
			}
			try {
				this.store.add(this.clock.instant(), pending);
				return true;
			}
			catch (RuntimeException ex) {
				pending.forEach((statistic, count) -> this.counts.get(statistic).add(count));
				logger.debug(ex, "Could not write task statistics; they are kept for the next write");
				return false;
			}
		}
		finally {
			this.flushLock.unlock();
		}
	}

	@Override
	public void start() {
		this.lifecycleLock.lock();
		try {
			if (this.executor == null) {
				ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
					Thread thread = new Thread(task, "gtask-stats");
					thread.setDaemon(true);
					return thread;
				});
				long millis = this.interval.toMillis();
				executor.scheduleWithFixedDelay(this::flush, millis, millis, TimeUnit.MILLISECONDS);
				this.executor = executor;
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	@Override
	public void stop() {
		this.lifecycleLock.lock();
		try {
			ScheduledExecutorService executor = this.executor;
			if (executor != null) {
				executor.shutdownNow();
				this.executor = null;
				flush();
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
