package io.gtask.stats;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import io.gtask.lifecycle.AbstractSmartLifecycle;
import io.gtask.metrics.TaskMetrics;
import io.gtask.metrics.TaskOutcome;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * Counts what happens to tasks in this instance and adds the counts to a shared
 * {@link TaskStatsStore} at a fixed interval, so that counting costs no Redis command per task.
 * Counts that cannot be written are kept for the next write. It starts before the worker and
 * stops after it, writing what it counted last.
 */
public class TaskStatsRecorder extends AbstractSmartLifecycle implements TaskMetrics {

	private static final LogAccessor logger = new LogAccessor(TaskStatsRecorder.class);

	/**
	 * The lifecycle phase: before the worker starts, after it stops.
	 */
	public static final int PHASE = SUPPORT_PHASE;

	private final TaskStatsStore store;

	private final Duration interval;

	private final Map<TaskStatistic, LongAdder> counts = new EnumMap<>(TaskStatistic.class);

	private final ReentrantLock flushLock = new ReentrantLock();

	private @Nullable ScheduledFuture<?> flushing;

	/**
	 * Create a recorder.
	 * @param store the shared store
	 * @param interval how often counts are written to the store
	 */
	public TaskStatsRecorder(TaskStatsStore store, Duration interval) {
		super(PHASE, "gtask-stats-");
		Assert.isTrue(!interval.isNegative() && !interval.isZero(), "The interval of task statistics must be positive");
		this.store = store;
		this.interval = interval;
		for (TaskStatistic statistic : TaskStatistic.values()) {
			this.counts.put(statistic, new LongAdder());
		}
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
				this.store.add(getClock().instant(), pending);
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
	protected void doStart() {
		this.flushing = scheduleWithFixedDelay(this::flush, this.interval);
	}

	@Override
	protected void doStop() {
		ScheduledFuture<?> flushing = this.flushing;
		this.flushing = null;
		if (flushing != null) {
			flushing.cancel(true);
		}
		flush();
	}

}
