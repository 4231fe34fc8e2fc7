package io.gtask.sample;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.periodic.PeriodicSchedule;
import io.gtask.periodic.PeriodicTaskScheduler;
import io.gtask.periodic.PeriodicTickStore;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP view of the periodic tasks: {@code GET /periodic} lists the schedules with their last
 * tick (shared by all instances) and the state of its task, and the heartbeats this instance ran.
 */
@RestController
public class PeriodicController {

	private final ObjectProvider<PeriodicTaskScheduler> scheduler;

	private final ObjectProvider<PeriodicTickStore> tickStore;

	private final TaskClient taskClient;

	private final PeriodicTasks periodicTasks;

	PeriodicController(ObjectProvider<PeriodicTaskScheduler> scheduler, ObjectProvider<PeriodicTickStore> tickStore,
			TaskClient taskClient, PeriodicTasks periodicTasks) {
		this.scheduler = scheduler;
		this.tickStore = tickStore;
		this.taskClient = taskClient;
		this.periodicTasks = periodicTasks;
	}

	@GetMapping("/periodic")
	Map<String, Object> periodic() {
		PeriodicTaskScheduler scheduler = this.scheduler.getIfAvailable();
		PeriodicTickStore tickStore = this.tickStore.getIfAvailable();
		// none with gtask.periodic.enabled=false
		List<ScheduleView> schedules = (scheduler != null && tickStore != null)
				? scheduler.getSchedules().stream().map((schedule) -> view(schedule, tickStore)).toList() : List.of();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("schedules", schedules);
		body.put("heartbeatsRunHere", this.periodicTasks.getBeats());
		body.put("lastHeartbeatHere", this.periodicTasks.getLast());
		return body;
	}

	private ScheduleView view(PeriodicSchedule schedule, PeriodicTickStore tickStore) {
		Instant lastTick = tickStore.lastTick(schedule);
		String lastTaskId = (lastTick != null) ? schedule.taskId(lastTick) : null;
		TaskInfo lastTask = (lastTaskId != null) ? this.taskClient.find(lastTaskId).orElse(null) : null;
		return new ScheduleView(schedule.id(), schedule.taskName(), schedule.cron().toString(),
				schedule.zone().getId(), schedule.queue(), schedule.missedTicks().name(), lastTick, lastTaskId,
				(lastTask != null) ? lastTask.status().name() : null, (lastTask != null) ? lastTask.result() : null,
				schedule.nextTick(Instant.now()));
	}

	/**
	 * A schedule as the API shows it.
	 *
	 * @param id the schedule id
	 * @param task the task name
	 * @param cron the cron expression
	 * @param zone the zone of the cron expression
	 * @param queue the queue
	 * @param missedTicks the missed-tick policy
	 * @param lastTick the last tick fired by any instance, if any
	 * @param lastTaskId the id of that tick's task (none when the tick was skipped as missed)
	 * @param lastTaskStatus the state of that task, if it is known
	 * @param lastTaskResult the JSON result of that task, if it has one
	 * @param nextTick the next tick
	 */
	record ScheduleView(String id, String task, String cron, String zone, String queue, String missedTicks,
			@Nullable Instant lastTick, @Nullable String lastTaskId, @Nullable String lastTaskStatus,
			@Nullable String lastTaskResult, @Nullable Instant nextTick) {

	}

}
