package io.gtask.periodic;

import java.time.Duration;
import java.time.Instant;

import org.springframework.core.log.LogAccessor;

/**
 * Fires the due ticks of one schedule at a time: ticks within the grace period after their
 * due time are on time and each sends its task; older ticks were missed, and the schedule's
 * {@link MissedTickPolicy} skips them or sends one task for the latest of them.
 */
final class ScheduleTicker {

	// the messages of the scheduler's work, under the category users know
	private static final LogAccessor logger = new LogAccessor(PeriodicTaskScheduler.class);

	private final PeriodicTickStore tickStore;

	private final TickFirer firer;

	ScheduleTicker(PeriodicTickStore tickStore, TickFirer firer) {
		this.tickStore = tickStore;
		this.firer = firer;
	}

	/**
	 * Fire every tick of a schedule that is due.
	 * @param state the schedule, whose last tick is read from the store when unknown
	 * @param now the current time
	 * @param startedAt the time the scheduler started, the last tick when the store knows none
	 * @param grace the time after a tick within which firing it is on time
	 * @return the number of tasks queued
	 */
	int fireDue(ScheduleState state, Instant now, Instant startedAt, Duration grace) {
		PeriodicSchedule schedule = state.schedule();
		if (state.last() == null) {
			Instant stored = this.tickStore.lastTick(schedule);
			state.last((stored != null) ? stored : startedAt);
		}
		Instant graceLimit = now.minus(grace);
		int queued = 0;
		while (true) {
			Instant next = state.next();
			if (next == null || next.isAfter(now)) {
				return queued;
			}
			if (next.isBefore(graceLimit)) {
				Instant missed = latestTickBefore(schedule, next, graceLimit);
				boolean runOnce = schedule.missedTicks() == MissedTickPolicy.RUN_ONCE;
				if (this.firer.fire(state, missed, runOnce)) {
					queued += runOnce ? 1 : 0;
					logger.info(() -> "Periodic schedule '" + schedule.id() + "' missed its ticks from " + next
							+ " to " + missed + " (no instance fired them within " + grace.toMillis() + " ms); "
							+ (runOnce ? "sent one task, " + schedule.taskId(missed) : "skipped them"));
				}
			}
			else if (this.firer.fire(state, next, true)) {
				queued++;
			}
		}
	}

	/**
	 * The latest tick before an instant, from a known tick on: a search backwards in growing
	 * windows, so that a schedule of every second missed for days costs a few dozen steps, not
	 * one per tick.
	 */
	static Instant latestTickBefore(PeriodicSchedule schedule, Instant first, Instant before) {
		Duration window = Duration.ofSeconds(1);
		while (true) {
			Instant start = before.minus(window);
			if (!start.isAfter(first)) {
				start = first.minusNanos(1);
			}
			Instant tick = schedule.nextTick(start);
			if (tick != null && tick.isBefore(before)) {
				Instant next = schedule.nextTick(tick);
				while (next != null && next.isBefore(before)) {
					tick = next;
					next = schedule.nextTick(tick);
				}
				return tick;
			}
			window = window.multipliedBy(2);
		}
	}

}
