package io.gtask.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.gtask.core.DeadLetterView;
import io.gtask.core.DeadLetters;
import io.gtask.core.QueueInfo;
import io.gtask.core.QueuedTask;
import io.gtask.core.RecentTasks;
import io.gtask.core.RunningTask;
import io.gtask.core.ScheduledTask;
import io.gtask.core.BatchInfo;
import io.gtask.core.BatchMembers;
import io.gtask.core.FlowInfo;
import io.gtask.core.TaskBrowser;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFilter;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskProgress;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskStatus;
import io.gtask.periodic.PeriodicTaskScheduler;
import io.gtask.periodic.PeriodicTickStore;
import io.gtask.stats.TaskStatsBucket;
import io.gtask.stats.TaskStatsStore;
import io.gtask.worker.WorkerInfo;
import io.gtask.worker.WorkerRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The views of the dashboard's JSON API, which its pages read, under
 * {@code <gtask.dashboard.path>/api}, and the types of what they answer. Every read needs the
 * view permission of the {@link DashboardAccess}. With {@link #setRedactPayloads redaction},
 * arguments, results and dead-letter messages are shown only to users who may read them. The
 * {@link DashboardActionController} serves the actions, and the
 * {@link DashboardApiExceptionHandler} answers errors with a JSON object whose {@code error}
 * names what was wrong.
 */
@RestController
@RequestMapping("${gtask.dashboard.path:/gtask}/api")
public class DashboardApiController {

	private static final int MAX_STATES = 100;

	private final TaskClient client;

	private final DashboardAccess access;

	private final Duration refreshInterval;

	private final OverviewAssembler overviews;

	private final QueueViewAssembler queueViews;

	private final ScheduleViewAssembler scheduleViews;

	private Clock clock = Clock.systemUTC();

	private boolean redactPayloads;

	private @Nullable TaskBrowser browser;

	/**
	 * Create the API.
	 * @param services what the dashboard reads and steers
	 * @param access who may read and act
	 * @param refreshInterval how often the pages refresh what they show
	 * @param maxRange the longest span of the charts, the retention of task statistics
	 */
	public DashboardApiController(Services services, DashboardAccess access, Duration refreshInterval,
			Duration maxRange) {
		this.client = services.client();
		this.access = access;
		this.refreshInterval = refreshInterval;
		this.overviews = new OverviewAssembler(services, maxRange);
		this.queueViews = new QueueViewAssembler(services.queues(), services.deadLetters());
		this.scheduleViews = new ScheduleViewAssembler(services.periodic(), services.ticks(), services.json());
	}

	/**
	 * Show the messages of dead letters as this codec reads them: with arguments decrypted, when
	 * the codec encrypts them, to users who may read them.
	 * @param codec the codec
	 */
	public void setMessageCodec(TaskMessageCodec codec) {
		this.queueViews.setCodec(codec);
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
	 * Browse tasks by state with this browser.
	 * @param browser the browser
	 */
	public void setTaskBrowser(TaskBrowser browser) {
		this.browser = browser;
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
		Access access = new Access(this.access.user(request), this.access.canAct(request),
				this.refreshInterval.toMillis());
		return this.overviews.overview(range, this.clock.instant(), access);
	}

	/**
	 * Every queue known here or consumed by a worker, with its counts.
	 * @param request the request
	 * @return the queues
	 */
	@GetMapping("/queues")
	public List<QueueInfo> queues(HttpServletRequest request) {
		view(request);
		return this.overviews.queues(this.clock.instant());
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
		return this.queueViews.detail(queue, redacts(request));
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
		return this.queueViews.scheduled(queue, offset, limit, redacts(request));
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
		return this.queueViews.deadLetters(queue, offset, limit, redacts(request));
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
		TaskInfo task = this.client.find(id).orElseThrow(() -> new TaskNotFoundException(id));
		return redacts(request) ? PayloadRedaction.redact(task) : task;
	}

	/**
	 * A flow and its nodes, with the task id and state of each step.
	 * @param id the flow id
	 * @param request the request
	 * @return the flow
	 */
	@GetMapping("/flows/{id}")
	public FlowInfo flow(@PathVariable String id, HttpServletRequest request) {
		view(request);
		return this.client.flows().info(id);
	}

	/**
	 * A batch and its counts.
	 * @param id the batch id
	 * @param request the request
	 * @return the batch
	 */
	@GetMapping("/batches/{id}")
	public BatchInfo batch(@PathVariable String id, HttpServletRequest request) {
		view(request);
		return this.client.batches().info(id);
	}

	/**
	 * The tasks of a queue that workers hold now, the longest held first.
	 * @param queue the queue
	 * @param name keep this task name only
	 * @param id keep ids that start so only
	 * @param arg keep tasks whose arguments contain this text only
	 * @param limit the most returned
	 * @param request the request
	 * @return the tasks
	 */
	@GetMapping("/browse/running")
	public List<RunningTask> running(@RequestParam String queue, @RequestParam(required = false) @Nullable String name,
			@RequestParam(required = false) @Nullable String id, @RequestParam(required = false) @Nullable String arg,
			@RequestParam(defaultValue = "50") int limit, HttpServletRequest request) {
		view(request);
		return browser().running(queue, new TaskFilter(name, null, id, arg), limit);
	}

	/**
	 * The tasks of a queue waiting to be tried again, the soonest due first.
	 * @param queue the queue
	 * @param name keep this task name only
	 * @param id keep ids that start so only
	 * @param arg keep tasks whose arguments contain this text only
	 * @param limit the most returned
	 * @param request the request
	 * @return the tasks
	 */
	@GetMapping("/browse/retrying")
	public List<ScheduledTask> retrying(@RequestParam String queue,
			@RequestParam(required = false) @Nullable String name, @RequestParam(required = false) @Nullable String id,
			@RequestParam(required = false) @Nullable String arg, @RequestParam(defaultValue = "50") int limit,
			HttpServletRequest request) {
		view(request);
		List<ScheduledTask> tasks = browser().retrying(queue, new TaskFilter(name, null, id, arg), limit);
		return redacts(request) ? tasks.stream().map(PayloadRedaction::redact).toList() : tasks;
	}

	/**
	 * A page of the tasks that ended recently, newest first.
	 * @param outcome {@code succeeded}, or {@code failed} for those that failed, were revoked or
	 * expired
	 * @param queue keep this queue only
	 * @param name keep this task name only
	 * @param id keep ids that start so only
	 * @param arg keep tasks whose arguments contain this text only
	 * @param cursor where the page starts, none for the newest
	 * @param limit the most returned
	 * @param request the request
	 * @return the page
	 */
	@GetMapping("/browse/recent")
	public RecentTasks recent(@RequestParam String outcome, @RequestParam(required = false) @Nullable String queue,
			@RequestParam(required = false) @Nullable String name, @RequestParam(required = false) @Nullable String id,
			@RequestParam(required = false) @Nullable String arg, @RequestParam(required = false) @Nullable String cursor,
			@RequestParam(defaultValue = "50") int limit, HttpServletRequest request) {
		view(request);
		if (!"succeeded".equals(outcome) && !"failed".equals(outcome)) {
			throw new IllegalArgumentException("outcome must be 'succeeded' or 'failed', not '" + outcome + "'");
		}
		boolean redacts = redacts(request);
		// arguments are searched only by those who may read them
		TaskFilter filter = new TaskFilter(name, queue, id, redacts ? null : arg);
		RecentTasks page = browser().recent("succeeded".equals(outcome), filter, cursor, limit);
		return redacts ? PayloadRedaction.redact(page) : page;
	}

	private TaskBrowser browser() {
		TaskBrowser browser = this.browser;
		if (browser == null) {
			throw new IllegalStateException("Browsing tasks needs gtask's Redis broker");
		}
		return browser;
	}

	/**
	 * A page of the members of a batch: their ids and where the next page starts.
	 * @param id the batch id
	 * @param cursor where the page starts, none for the first
	 * @param count about how many members, 1 to {@value #MAX_STATES}
	 * @param request the request
	 * @return the page
	 */
	@GetMapping("/batches/{id}/members")
	public BatchMembers batchMembers(@PathVariable String id, @RequestParam(required = false) @Nullable String cursor,
			@RequestParam(defaultValue = "50") int count, HttpServletRequest request) {
		view(request);
		if (count < 1 || count > MAX_STATES) {
			throw new IllegalArgumentException("count must be 1 to " + MAX_STATES + ", not " + count);
		}
		return this.client.batches().members(id, cursor, count);
	}

	/**
	 * The states and progress of a few tasks at once, for the members of a flow or a batch:
	 * neither arguments nor results. A task that is not known is left out.
	 * @param request the request, with the task ids as parameters {@code ids}, at most
	 * {@value #MAX_STATES}
	 * @return their states, in the order asked
	 */
	@GetMapping("/task-states")
	public List<TaskStateView> taskStates(HttpServletRequest request) {
		view(request);
		// read as sent: an id may hold a comma, which a bound list would split
		String[] ids = request.getParameterValues("ids");
		if (ids == null) {
			throw new IllegalArgumentException("No task ids: give them as ids=<id>&ids=<id>");
		}
		if (ids.length > MAX_STATES) {
			throw new IllegalArgumentException("At most " + MAX_STATES + " ids at once, not " + ids.length);
		}
		List<TaskStateView> states = new ArrayList<>(ids.length);
		for (String taskId : ids) {
			this.client.find(taskId).ifPresent((task) -> states.add(TaskStateView.of(task)));
		}
		return states;
	}

	/**
	 * The periodic schedules of this instance, with their last and next ticks.
	 * @param request the request
	 * @return the schedules
	 */
	@GetMapping("/periodic")
	public List<ScheduleView> periodic(HttpServletRequest request) {
		view(request);
		return this.scheduleViews.schedules(this.clock.instant());
	}

	/**
	 * The workers of all instances that are alive.
	 * @param request the request
	 * @return the workers
	 */
	@GetMapping("/workers")
	public List<WorkerInfo> workers(HttpServletRequest request) {
		view(request);
		return this.overviews.workers(this.clock.instant());
	}

	private void view(HttpServletRequest request) {
		if (!this.access.canView(request)) {
			throw new DashboardAccessDeniedException("Viewing the gtask dashboard needs a signed-in user allowed to view it");
		}
	}

	private boolean redacts(HttpServletRequest request) {
		return this.redactPayloads && !this.access.canReadPayloads(request);
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
	 * Where a task stands, without its arguments or result.
	 *
	 * @param id the task id
	 * @param name the task name
	 * @param status its state
	 * @param attempts the attempts started
	 * @param startedAt when its last attempt started
	 * @param finishedAt when it finished
	 * @param progress the latest progress it reported
	 */
	public record TaskStateView(String id, String name, TaskStatus status, int attempts, @Nullable Instant startedAt,
			@Nullable Instant finishedAt, @Nullable TaskProgress progress) {

		static TaskStateView of(TaskInfo task) {
			return new TaskStateView(task.id(), task.name(), task.status(), task.attempts(), task.startedAt(),
					task.finishedAt(), task.progress());
		}

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

}
