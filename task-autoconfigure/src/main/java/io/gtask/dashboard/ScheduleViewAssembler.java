package io.gtask.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.gtask.dashboard.DashboardApiController.ScheduleView;
import io.gtask.periodic.PeriodicSchedule;
import io.gtask.periodic.PeriodicTaskScheduler;
import io.gtask.periodic.PeriodicTickStore;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.DataAccessException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Assembles what the dashboard shows of the periodic schedules of this instance: each with its
 * arguments as JSON text, its last tick as far as the tick store tells, and its next tick.
 */
final class ScheduleViewAssembler {

	// the messages of the dashboard's API, under the category users know
	private static final LogAccessor logger = new LogAccessor(DashboardApiController.class);

	private final @Nullable PeriodicTaskScheduler scheduler;

	private final @Nullable PeriodicTickStore ticks;

	private final JsonMapper json;

	/**
	 * Create the assembler.
	 * @param scheduler the periodic scheduler, if the application has one
	 * @param ticks the store of periodic ticks, if the application has one
	 * @param json the JSON mapper for arguments
	 */
	ScheduleViewAssembler(@Nullable PeriodicTaskScheduler scheduler, @Nullable PeriodicTickStore ticks,
			JsonMapper json) {
		this.scheduler = scheduler;
		this.ticks = ticks;
		this.json = json;
	}

	/**
	 * The schedules, none without a scheduler. A last tick that cannot be read is left out.
	 * @param now the current time
	 * @return the schedules
	 */
	List<ScheduleView> schedules(Instant now) {
		if (this.scheduler == null) {
			return List.of();
		}
		List<ScheduleView> views = new ArrayList<>();
		for (PeriodicSchedule schedule : this.scheduler.getSchedules()) {
			views.add(new ScheduleView(schedule.id(), schedule.taskName(), schedule.cron().toString(),
					schedule.zone().getId(), schedule.queue(), this.json.writeValueAsString(schedule.args()),
					schedule.missedTicks().name(), lastTick(schedule), schedule.nextTick(now)));
		}
		return views;
	}

	private @Nullable Instant lastTick(PeriodicSchedule schedule) {
		if (this.ticks == null) {
			return null;
		}
		try {
			return this.ticks.lastTick(schedule);
		}
		catch (DataAccessException ex) {
			logger.debug(ex, () -> "Could not read the last tick of schedule " + schedule.id());
			return null;
		}
	}

}
