package io.gtask.periodic;

import java.time.Instant;
import java.util.Map;

import io.gtask.core.TaskRequest;
import io.gtask.metrics.TaskOrigin;
import io.gtask.send.TaskSender;
import org.springframework.core.log.LogAccessor;

/**
 * Fires one tick of a schedule through the {@link PeriodicTickStore}: sends its task, which the
 * store queues only for the instance that wins the tick, or, for a skipped tick, only records
 * it. Either way the schedule's state learns the last tick fired by any instance.
 */
final class TickFirer {

	// the messages of the scheduler's work, under the category users know
	private static final LogAccessor logger = new LogAccessor(PeriodicTaskScheduler.class);

	private final PeriodicTickStore tickStore;

	private final TaskSender sender;

	TickFirer(PeriodicTickStore tickStore, TaskSender sender) {
		this.tickStore = tickStore;
		this.sender = sender;
	}

	/**
	 * Fire a tick.
	 * @param state the schedule
	 * @param tick the tick
	 * @param enqueue whether to send the tick's task, or only record the tick
	 * @return whether this call fired the tick; if not, another instance fired it or a later one
	 */
	boolean fire(ScheduleState state, Instant tick, boolean enqueue) {
		PeriodicSchedule schedule = state.schedule();
		boolean fired;
		if (enqueue) {
			TaskRequest request = TaskRequest.of(schedule.taskName())
				.args(schedule.args())
				.id(schedule.taskId(tick))
				.queue(schedule.queue())
				.build();
			// every instance records the task, so that a fast worker's STARTED is never followed by
			// PENDING; the tick store queues it for the one that wins the tick
			fired = this.sender.send(request,
					Map.of(PeriodicTaskScheduler.SCHEDULE_HEADER, schedule.id(), PeriodicTaskScheduler.TICK_HEADER,
							tick.toString()),
					TaskOrigin.PERIODIC, (task) -> this.tickStore.fire(schedule, tick, task));
		}
		else {
			fired = this.tickStore.fire(schedule, tick, null);
		}
		if (fired) {
			state.last(tick);
			logger.debug(() -> "Periodic schedule '" + schedule.id() + "' fired its tick " + tick
					+ (enqueue ? ": sent task " + schedule.taskId(tick) : " without sending a task"));
			return true;
		}
		// another instance fired this tick or a later one
		Instant stored = this.tickStore.lastTick(schedule);
		state.last((stored != null && stored.isAfter(tick)) ? stored : tick);
		return false;
	}

}
