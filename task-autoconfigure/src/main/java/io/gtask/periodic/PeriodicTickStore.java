package io.gtask.periodic;

import java.time.Instant;

import io.gtask.broker.OutgoingTask;
import org.jspecify.annotations.Nullable;

/**
 * Remembers the last tick fired of each periodic schedule, shared by all instances, and queues
 * the task of a tick in the same atomic step as it records the tick.
 * <p>
 * This is what makes each tick fire once: instances that fire the same tick at the same time
 * all call {@link #fire}, and only the one whose call records the tick queues its task.
 */
public interface PeriodicTickStore {

	/**
	 * Record that a tick fired and, if a task is given, queue it, in one atomic step; do neither
	 * if this tick or a later one of the schedule was recorded already.
	 * @param schedule the schedule
	 * @param tick the tick
	 * @param task the task to queue, or {@code null} to only record the tick (a skipped tick)
	 * @return whether this call recorded the tick
	 */
	boolean fire(PeriodicSchedule schedule, Instant tick, @Nullable OutgoingTask task);

	/**
	 * The last tick recorded for a schedule.
	 * @param schedule the schedule
	 * @return the tick, or {@code null} if none is known
	 */
	@Nullable Instant lastTick(PeriodicSchedule schedule);

}
