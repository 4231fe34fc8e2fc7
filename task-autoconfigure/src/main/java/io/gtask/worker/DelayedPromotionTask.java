package io.gtask.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.gtask.broker.Promotion;
import io.gtask.broker.TaskBroker;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

/**
 * Moves the due tasks of a container's queues from their delayed sets into their lanes, and
 * admits tasks waiting for limits, on the container's timer thread: it runs again when the next
 * task is due, or after the promote interval at the latest (other instances may add earlier
 * ones meanwhile), so that a delayed task starts within milliseconds of its due time.
 */
final class DelayedPromotionTask implements Runnable {

	private static final LogAccessor logger = new LogAccessor(DelayedPromotionTask.class);

	private static final int BATCH = 500;

	private final TaskBroker broker;

	private final List<String> queues;

	private final Duration interval;

	private final Clock clock;

	private final LocalPermits permits;

	private final boolean admitWaiting;

	private final ScheduledExecutorService timer;

	/**
	 * Queues whose due tasks could not be moved at the last attempt, so that a failure is
	 * logged as a warning once, not on every tick.
	 */
	private final Set<String> failing = ConcurrentHashMap.newKeySet();

	private volatile boolean active;

	private volatile @Nullable ScheduledFuture<?> next;

	/**
	 * Create a promotion task.
	 * @param broker the broker
	 * @param queues the queues to promote
	 * @param interval the longest time between two runs
	 * @param clock the clock
	 * @param permits the per-instance permits, whose free counts admit waiting tasks
	 * @param globalLimits whether global limits are declared, so that waiting tasks are
	 * admitted on every run even without per-instance permits
	 * @param timer the executor to run on
	 */
	DelayedPromotionTask(TaskBroker broker, List<String> queues, Duration interval, Clock clock, LocalPermits permits,
			boolean globalLimits, ScheduledExecutorService timer) {
		this.broker = broker;
		this.queues = List.copyOf(queues);
		this.interval = interval;
		this.clock = clock;
		this.permits = permits;
		this.admitWaiting = !permits.isEmpty() || globalLimits;
		this.timer = timer;
	}

	void start() {
		this.active = true;
		this.next = this.timer.schedule(this, 0, TimeUnit.MILLISECONDS);
	}

	void stop() {
		this.active = false;
		ScheduledFuture<?> next = this.next;
		if (next != null) {
			next.cancel(false);
		}
	}

	@Override
	public void run() {
		long interval = this.interval.toMillis();
		long delay = interval;
		try {
			Instant next = promoteAll();
			if (next != null) {
				delay = Math.max(1, Math.min(interval, Duration.between(this.clock.instant(), next).toMillis()));
			}
		}
		finally {
			if (this.active) {
				try {
					this.next = this.timer.schedule(this, delay, TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException ex) {
					// stopping
				}
			}
		}
	}

	private @Nullable Instant promoteAll() {
		Instant earliest = null;
		for (String queue : this.queues) {
			try {
				Promotion promotion;
				do {
					promotion = this.broker.promoteDue(queue, this.clock.instant(), BATCH);
				}
				while (promotion.moved() == BATCH && this.active);
				if (promotion.nextDue() != null && (earliest == null || promotion.nextDue().isBefore(earliest))) {
					earliest = promotion.nextDue();
				}
				if (this.admitWaiting) {
					this.broker.admitWaiting(queue, this.clock.instant(), this.permits.free());
				}
			}
			catch (RuntimeException ex) {
				// once per queue until it works again, as this runs several times a second
				if (this.failing.add(queue)) {
					logger.warn(ex, () -> "Could not move due tasks of queue '" + queue + "': " + ex.getMessage());
				}
				else {
					logger.debug(ex, () -> "Could not move due tasks of queue '" + queue + "'");
				}
				continue;
			}
			if (this.failing.remove(queue)) {
				logger.info(() -> "Moving due tasks of queue '" + queue + "' again");
			}
		}
		return earliest;
	}

}
