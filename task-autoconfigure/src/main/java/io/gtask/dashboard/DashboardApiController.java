package io.gtask.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.gtask.core.DeadLetterView;
import io.gtask.core.DeadLetters;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.QueueInfo;
import io.gtask.core.QueuedTask;
import io.gtask.core.ScheduledTask;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskQueues;
import io.gtask.periodic.PeriodicSchedule;
import io.gtask.periodic.PeriodicTaskScheduler;
import io.gtask.periodic.PeriodicTickStore;
import io.gtask.stats.TaskStatsBucket;
import io.gtask.stats.TaskStatsStore;
import io.gtask.worker.WorkerInfo;
import io.gtask.worker.WorkerRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON API the dashboard's pages call, under {@code <gtask.dashboard.path>/api}. Every call
 * checks the {@link DashboardAccess}: reads need the view permission, changes the action
 * permission and, against cross-site request forgery, the {@code X-GTask-Action} header of the
 * dashboard's page and no foreign {@code Origin} or {@code Referer}. With
 * {@link #setRedactPayloads redaction}, arguments, results and dead-letter messages are shown
 * only to users who may read them. Errors answer with a JSON object whose {@code error} names
 * what was wrong.
 */
@RestController
@RequestMapping("${gtask.dashboard.path:/gtask}/api")
public class DashboardApiController {

	private static final LogAccessor logger = new LogAccessor(DashboardApiController.class);

	private static final int MAX_LIMIT = 500;

	private static final int BUCKETS = 60;

	private final Services services;

	private final DashboardAccess access;

	private final Duration refreshInterval;

	private final Duration maxRange;

	private final CrossSiteRequestCheck crossSite = new CrossSiteRequestCheck();

	private Clock clock = Clock.systemUTC();

	private boolean redactPayloads;

	/**
	 * Create the API.
	 * @param services what the dashboard reads and steers
	 * @param access who may read and act
	 * @param refreshInterval how often the pages refresh what they show
	 * @param maxRange the longest span of the charts, the retention of task statistics
	 */
	public DashboardApiController(Services services, DashboardAccess access, Duration refreshInterval,
			Duration maxRange) {
		this.services = services;
		this.access = access;
		this.refreshInterval = refreshInterval;
		this.maxRange = maxRange;
	}

	/**
	 * Set the clock, for tests that control time.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Set whether the arguments, results and dead-letter messages of tasks are shown as
	 * {@code (redacted)} to users who may not read them
	 * ({@link DashboardAccess#canReadPayloads}), as they may hold personal data.
	 * @param redactPayloads whether to redact
	 */
	public void setRedactPayloads(boolean redactPayloads) {
		this.redactPayloads = redactPayloads;
	}

	/**
	 * Counts of all queues, workers, and task counts over time for the charts.
	 * @param range how far back the charts go, such as {@code 1h} or {@code 24h}
	 * @param request the request
	 * @return the overview
	 */
	@GetMapping("/overview")
	public Overview overview(@RequestParam(defaultValue = "1h") String range, HttpServletRequest request) {
		view(request);
		Duration span = range(range);
		Instant now = this.clock.instant();
		List<WorkerInfo> workers = workers(now);
		List<QueueInfo> queues = queueInfos(workers);
		long[] sums = new long[5];
		for (QueueInfo info : queues) {
			sums[0] += info.pending();
			sums[1] += info.delayed();
			sums[2] += info.inFlight();
			sums[3] += info.waiting();
			sums[4] += info.dead();
		}
		Counts counts = new Counts(sums[0], sums[1], sums[2], sums[3], sums[4],
				queues.stream().filter(QueueInfo::paused).count(), workers.size(),
				workers.stream().mapToLong(WorkerInfo::concurrency).sum());
		History history = null;
		TaskStatsBucket allTime = null;
		TaskStatsStore stats = this.services.stats();
		if (stats != null) {
			Duration step = step(span);
			history = new History(span, step, stats.history(now, span, step));
			allTime = stats.totals(now);
		}
		return new Overview(now, counts, queues, history, allTime, accessOf(request));
	}

	/**
	 * Every queue known here or consumed by a worker, with its counts.
	 * @param request the request
	 * @return the queues
	 */
	@GetMapping("/queues")
	public List<QueueInfo> queues(HttpServletRequest request) {
		view(request);
		return queueInfos(workers(this.clock.instant()));
	}

	/**
	 * One queue, with the next and last task it holds.
	 * @param queue the queue
	 * @param request the request
	 * @return the queue
	 */
	@GetMapping("/queues/{queue}")
	public QueueDetail queue(@PathVariable String queue, HttpServletRequest request) {
		view(request);
		TaskQueues queues = this.services.queues();
		QueueInfo info = queues.info(valid(queue));
		QueuedTask next = queues.peekNext(queue).orElse(null);
		QueuedTask last = queues.peekLast(queue).orElse(null);
		if (redacts(request)) {
			return new QueueDetail(info, PayloadRedaction.redact(next), PayloadRedaction.redact(last));
		}
		return new QueueDetail(info, next, last);
	}

	/**
	 * Pause a queue for all workers.
	 * @param queue the queue
	 * @param request the request
	 * @return the queue after the change
	 */
	@PostMapping("/queues/{queue}/pause")
	public QueueInfo pause(@PathVariable String queue, HttpServletRequest request) {
		act(request, "pause queue " + queue);
		this.services.queues().pause(valid(queue));
		return this.services.queues().info(queue);
	}

	/**
	 * Resume a paused queue for all workers.
	 * @param queue the queue
	 * @param request the request
	 * @return the queue after the change
	 */
	@PostMapping("/queues/{queue}/resume")
	public QueueInfo resume(@PathVariable String queue, HttpServletRequest request) {
		act(request, "resume queue " + queue);
		this.services.queues().resume(valid(queue));
		return this.services.queues().info(queue);
	}

	/**
	 * Tasks of a queue waiting for their due time, soonest first.
	 * @param queue the queue
	 * @param offset how many to skip
	 * @param limit the most to return
	 * @param request the request
	 * @return the page
	 */
	@GetMapping("/queues/{queue}/scheduled")
	public Page<ScheduledTask> scheduled(@PathVariable String queue, @RequestParam(defaultValue = "0") int offset,
			@RequestParam(defaultValue = "50") int limit, HttpServletRequest request) {
		view(request);
		TaskQueues queues = this.services.queues();
		long total = queues.info(valid(queue)).delayed();
		int from = Math.max(0, offset);
		int size = limit(limit);
		List<ScheduledTask> tasks = queues.scheduled(queue, from, size);
		if (redacts(request)) {
			tasks = tasks.stream().map(PayloadRedaction::redact).toList();
		}
		return new Page<>(queue, total, from, size, tasks);
	}

	/**
	 * Dead letters of a queue, newest first.
	 * @param queue the queue
	 * @param offset how many to skip
	 * @param limit the most to return
	 * @param request the request
	 * @return the page
	 */
	@GetMapping("/queues/{queue}/dead")
	public Page<DeadLetterView> deadLetters(@PathVariable String queue, @RequestParam(defaultValue = "0") int offset,
			@RequestParam(defaultValue = "50") int limit, HttpServletRequest request) {
		view(request);
		DeadLetters deadLetters = this.services.deadLetters();
		int from = Math.max(0, offset);
		int size = limit(limit);
		boolean redact = redacts(request);
		List<DeadLetterView> letters = deadLetters.list(valid(queue), from, size)
			.stream()
			.map(DeadLetterView::of)
			.map((letter) -> redact ? PayloadRedaction.redact(letter) : letter)
			.toList();
		return new Page<>(queue, deadLetters.count(queue), from, size, letters);
	}

	/**
	 * Send the task of a dead letter again and remove the dead letter.
	 * @param queue the queue
	 * @param id the dead letter id
	 * @param request the request
	 * @return the id of the task sent
	 */
	@PostMapping("/queues/{queue}/dead/{id}/retry")
	public ResponseEntity<Map<String, Object>> retry(@PathVariable String queue, @PathVariable String id,
			HttpServletRequest request) {
		act(request, "retry dead letter " + id);
		return this.services.deadLetters()
			.requeue(valid(queue), id)
			.map((taskId) -> ResponseEntity.ok(Map.<String, Object>of("id", id, "taskId", taskId)))
			.orElseGet(() -> notFound("No dead letter '" + id + "' in queue '" + queue + "'"));
	}

	/**
	 * Send the tasks of all valid dead letters of a queue again.
	 * @param queue the queue
	 * @param request the request
	 * @return how many were sent
	 */
	@PostMapping("/queues/{queue}/dead/retry")
	public Map<String, Object> retryAll(@PathVariable String queue, HttpServletRequest request) {
		act(request, "retry the dead letters of queue " + queue);
		return Map.of("queue", queue, "requeued", this.services.deadLetters().requeueAll(valid(queue)));
	}

	/**
	 * Delete a dead letter.
	 * @param queue the queue
	 * @param id the dead letter id
	 * @param request the request
	 * @return whether it existed
	 */
	@DeleteMapping("/queues/{queue}/dead/{id}")
	public ResponseEntity<Map<String, Object>> delete(@PathVariable String queue, @PathVariable String id,
			HttpServletRequest request) {
		act(request, "delete dead letter " + id);
		if (!this.services.deadLetters().delete(valid(queue), id)) {
			return notFound("No dead letter '" + id + "' in queue '" + queue + "'");
		}
		return ResponseEntity.ok(Map.of("id", id, "deleted", true));
	}

	/**
	 * Delete all dead letters of a queue.
	 * @param queue the queue
	 * @param request the request
	 * @return how many were deleted
	 */
	@DeleteMapping("/queues/{queue}/dead")
	public Map<String, Object> deleteAll(@PathVariable String queue, HttpServletRequest request) {
		act(request, "delete the dead letters of queue " + queue);
		return Map.of("queue", queue, "deleted", this.services.deadLetters().deleteAll(valid(queue)));
	}

	/**
	 * What the result backend knows of a task.
	 * @param id the task id
	 * @param request the request
	 * @return the task
	 */
	@GetMapping("/tasks/{id}")
	public TaskInfo task(@PathVariable String id, HttpServletRequest request) {
		view(request);
		TaskInfo task = this.services.client().find(id).orElseThrow(() -> new TaskNotFoundException(id));
		return redacts(request) ? PayloadRedaction.redact(task) : task;
	}

	/**
	 * Revoke a task that has not started: it will not run.
	 * @param id the task id
	 * @param request the request
	 * @return whether it was revoked
	 */
	@PostMapping("/tasks/{id}/revoke")
	public Map<String, Object> revoke(@PathVariable String id, HttpServletRequest request) {
		act(request, "revoke task " + id);
		return Map.of("id", id, "revoked", this.services.client().revoke(id));
	}

	/**
	 * Cancel a task, running or not.
	 * @param id the task id
	 * @param request the request
	 * @return whether a cancellation was requested
	 */
	@PostMapping("/tasks/{id}/cancel")
	public Map<String, Object> cancel(@PathVariable String id, HttpServletRequest request) {
		act(request, "cancel task " + id);
		return Map.of("id", id, "cancelled", this.services.client().cancel(id));
	}

	/**
	 * The periodic schedules of this instance, with their last and next ticks.
	 * @param request the request
	 * @return the schedules
	 */
	@GetMapping("/periodic")
	public List<ScheduleView> periodic(HttpServletRequest request) {
		view(request);
		PeriodicTaskScheduler scheduler = this.services.periodic();
		if (scheduler == null) {
			return List.of();
		}
		Instant now = this.clock.instant();
		PeriodicTickStore ticks = this.services.ticks();
		List<ScheduleView> views = new ArrayList<>();
		for (PeriodicSchedule schedule : scheduler.getSchedules()) {
			Instant last = null;
			if (ticks != null) {
				try {
					last = ticks.lastTick(schedule);
				}
				catch (DataAccessException ex) {
					logger.debug(ex, () -> "Could not read the last tick of schedule " + schedule.id());
				}
			}
			views.add(new ScheduleView(schedule.id(), schedule.taskName(), schedule.cron().toString(),
					schedule.zone().getId(), schedule.queue(), this.services.json().writeValueAsString(schedule.args()),
					schedule.missedTicks().name(), last, schedule.nextTick(now)));
		}
		return views;
	}

	/**
	 * The workers of all instances that are alive.
	 * @param request the request
	 * @return the workers
	 */
	@GetMapping("/workers")
	public List<WorkerInfo> workers(HttpServletRequest request) {
		view(request);
		return workers(this.clock.instant());
	}

	@ExceptionHandler(DashboardAccessDeniedException.class)
	ResponseEntity<Map<String, Object>> denied(DashboardAccessDeniedException ex) {
		return error(HttpStatus.FORBIDDEN, ex.getMessage());
	}

	@ExceptionHandler(TaskNotFoundException.class)
	ResponseEntity<Map<String, Object>> notFound(TaskNotFoundException ex) {
		return error(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler(MalformedTaskMessageException.class)
	ResponseEntity<Map<String, Object>> malformed(MalformedTaskMessageException ex) {
		return error(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage());
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<Map<String, Object>> invalid(IllegalArgumentException ex) {
		return error(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler(DataAccessException.class)
	ResponseEntity<Map<String, Object>> unavailable(DataAccessException ex) {
		// the page asks again at every refresh: one line each time, the stack trace at debug level
		logger.warn(() -> "The dashboard could not reach Redis: " + ex.getMessage());
		logger.debug(ex, "The dashboard could not reach Redis");
		return error(HttpStatus.SERVICE_UNAVAILABLE, "Redis could not be reached: " + ex.getMessage());
	}

	private static ResponseEntity<Map<String, Object>> notFound(String message) {
		return error(HttpStatus.NOT_FOUND, message);
	}

	private static ResponseEntity<Map<String, Object>> error(HttpStatus status, @Nullable String message) {
		return ResponseEntity.status(status).body(Map.of("status", status.value(), "error",
				(message != null) ? message : status.getReasonPhrase()));
	}

	private void view(HttpServletRequest request) {
		if (!this.access.canView(request)) {
			throw new DashboardAccessDeniedException("Viewing the gtask dashboard needs a signed-in user allowed to view it");
		}
	}

	private void act(HttpServletRequest request, String action) {
		if (!this.access.canAct(request)) {
			throw new DashboardAccessDeniedException(
					"Not allowed to " + action + ": " + this.access.actionRequirement());
		}
		// whoever is signed in, a page of another site must not act in their name
		String refusal = this.crossSite.refusal(request);
		if (refusal != null) {
			throw new DashboardAccessDeniedException("Refused to " + action + ": " + refusal);
		}
	}

	private boolean redacts(HttpServletRequest request) {
		return this.redactPayloads && !this.access.canReadPayloads(request);
	}

	private Access accessOf(HttpServletRequest request) {
		return new Access(this.access.user(request), this.access.canAct(request), this.refreshInterval.toMillis());
	}

	private List<WorkerInfo> workers(Instant now) {
		WorkerRegistry registry = this.services.workers();
		return (registry != null) ? registry.workers(now) : List.of();
	}

	private List<QueueInfo> queueInfos(List<WorkerInfo> workers) {
		Set<String> names = new LinkedHashSet<>(this.services.knownQueues().get());
		workers.forEach((worker) -> names.addAll(worker.queues()));
		List<QueueInfo> infos = new ArrayList<>(names.size());
		for (String name : names) {
			infos.add(this.services.queues().info(name));
		}
		return infos;
	}

	private Duration range(String range) {
		Duration span;
		try {
			span = DurationStyle.detectAndParse(range);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Invalid range '" + range + "': use a duration such as 1h or 24h");
		}
		if (span.compareTo(Duration.ofMinutes(BUCKETS)) < 0 || span.compareTo(this.maxRange) > 0) {
			throw new IllegalArgumentException("Invalid range '" + range + "': it must be from 1h to "
					+ this.maxRange.toHours() + "h (gtask.stats.retention)");
		}
		return span;
	}

	private static Duration step(Duration range) {
		long minutes = (range.toMinutes() + BUCKETS - 1) / BUCKETS;
		return Duration.ofMinutes(Math.max(1, minutes));
	}

	private static int limit(int limit) {
		return Math.min(MAX_LIMIT, Math.max(1, limit));
	}

	private static String valid(String queue) {
		return TaskMessageRules.validQueue(queue);
	}

	/**
	 * What the dashboard reads and steers; the optional parts are {@code null} when the
	 * application has none.
	 *
	 * @param queues the queues
	 * @param deadLetters the dead letters
	 * @param client the task client
	 * @param knownQueues the queues this instance knows
	 * @param workers the worker registry
	 * @param stats the task statistics
	 * @param periodic the periodic scheduler
	 * @param ticks the store of periodic ticks
	 * @param json the JSON mapper for arguments
	 */
	public record Services(TaskQueues queues, DeadLetters deadLetters, TaskClient client,
			Supplier<List<String>> knownQueues, @Nullable WorkerRegistry workers, @Nullable TaskStatsStore stats,
			@Nullable PeriodicTaskScheduler periodic, @Nullable PeriodicTickStore ticks, JsonMapper json) {
	}

	/**
	 * The overview page's data.
	 *
	 * @param at when it was read
	 * @param counts sums over all queues and workers
	 * @param queues each queue
	 * @param history task counts over time, if statistics are kept
	 * @param allTime task counts since statistics were first kept
	 * @param access what the user may do
	 */
	public record Overview(Instant at, Counts counts, List<QueueInfo> queues, @Nullable History history,
			@Nullable TaskStatsBucket allTime, Access access) {
	}

	/**
	 * Sums over all queues and workers.
	 *
	 * @param pending tasks ready to run
	 * @param delayed tasks waiting for their due time
	 * @param inFlight tasks running
	 * @param waiting tasks held back by a limit
	 * @param dead dead letters
	 * @param pausedQueues queues paused
	 * @param workers workers alive
	 * @param slots the tasks all workers may run at once
	 */
	public record Counts(long pending, long delayed, long inFlight, long waiting, long dead, long pausedQueues,
			long workers, long slots) {
	}

	/**
	 * Task counts over time.
	 *
	 * @param range the span of time
	 * @param step the length of each bucket
	 * @param buckets the buckets, oldest first
	 */
	public record History(Duration range, Duration step, List<TaskStatsBucket> buckets) {
	}

	/**
	 * What the user of the page may do.
	 *
	 * @param user the user's name, if known
	 * @param canAct whether the user may change queues and tasks
	 * @param refreshMillis how often the pages refresh, in milliseconds
	 */
	public record Access(@Nullable String user, boolean canAct, long refreshMillis) {
	}

	/**
	 * A queue with the next and last task it holds.
	 *
	 * @param info the counts
	 * @param next the task workers fetch next
	 * @param last the task workers fetch last
	 */
	public record QueueDetail(QueueInfo info, @Nullable QueuedTask next,
			@Nullable QueuedTask last) {
	}

	/**
	 * A page of a list.
	 *
	 * @param <T> the type of the items
	 * @param queue the queue
	 * @param total how many items there are
	 * @param offset how many were skipped
	 * @param limit the most returned
	 * @param items the items
	 */
	public record Page<T>(String queue, long total, int offset, int limit, List<T> items) {
	}

	/**
	 * A periodic schedule.
	 *
	 * @param id the schedule id
	 * @param task the task name
	 * @param cron the cron expression
	 * @param zone the time zone
	 * @param queue the queue
	 * @param args the arguments as JSON text
	 * @param missedTicks what happens to missed ticks
	 * @param lastTick the last tick fired, if known
	 * @param nextTick the next tick
	 */
	public record ScheduleView(String id, String task, String cron, String zone, String queue, String args,
			String missedTicks, @Nullable Instant lastTick, @Nullable Instant nextTick) {
	}

	/**
	 * Thrown when the user may not do what the request asks.
	 */
	static final class DashboardAccessDeniedException extends RuntimeException {

		DashboardAccessDeniedException(String message) {
			super(message);
		}

	}

}
