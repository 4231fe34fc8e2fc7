package io.gtask.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.gtask.client.TaskResults;
import io.gtask.core.DuplicateTaskException;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskAwaitTimeoutException;
import io.gtask.core.TaskBatches;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskError;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskFlows;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskProgress;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskStatus;
import io.gtask.core.TaskVersionException;
import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskRegistry;
import io.gtask.registry.TaskVersions;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.node.ArrayNode;

/**
 * A {@link TaskClient} for an application's own tests: it records every task sent and runs
 * them in this JVM with the application's {@code @TaskHandler} methods, with no Redis. Tasks run
 * as each is sent ({@link Run#ON_SEND}, Celery's eager mode) or when the test calls
 * {@link #drain()} ({@link Run#ON_DRAIN}, Sidekiq's fake mode then {@code drain_all}).
 * <p>
 * What a task goes through is what a worker does to it: its arguments are written as JSON and
 * bound to the handler's parameters from it, so an argument that would not travel fails here
 * too; a handler that throws is tried again up to its retries (at once, without backoff) unless
 * the exception is one of its {@code noRetryFor}; a task with no handler ends FAILURE; a task
 * sent inside a Spring-managed transaction waits for its commit and is dropped on rollback, as
 * {@code gtask.send.in-transaction} says. Timeouts, delays, priorities, queues, limits and
 * uniqueness are recorded (see {@link SentTask#request()}) but not applied: each task runs
 * once its turn comes, in the order sent, unless its queue is paused. The
 * {@link io.gtask.core.TaskQueues} and {@link io.gtask.core.DeadLetters} of the context read the
 * same tasks: pending ones by queue, failed ones as dead letters. Flows and batches need Redis: use a real one
 * ({@code docs/testing.md}).
 * <p>
 * Its state lives until {@link #reset()}; a test that shares a context with others calls it
 * first.
 */
public class InProcessTasks implements TaskClient {

	/**
	 * The most tasks one {@link #drain()} runs, against tasks that keep sending tasks.
	 */
	public static final int MAX_TASKS_PER_DRAIN = 100_000;

	private final TaskRegistry registry;

	private final TaskMessageCodec codec;

	private @Nullable TaskVersions versions;

	private final Run run;

	private final String defaultQueue;

	private final int defaultMaxRetries;

	private final boolean afterCommitByDefault;

	private Clock clock = Clock.systemUTC();

	private final List<SentTask> sent = new CopyOnWriteArrayList<>();

	private final Deque<SentTask> pending = new ArrayDeque<>();

	private final Map<String, State> states = new HashMap<>();

	private final Map<String, List<Consumer<TaskProgress>>> progressListeners = new HashMap<>();

	private final java.util.Set<String> paused = new java.util.HashSet<>();

	private final java.util.Set<String> deadDeleted = new java.util.HashSet<>();

	/**
	 * When tasks run.
	 */
	public enum Run {

		/**
		 * As each is sent, on the sending thread, before {@code send} returns; tasks sent by a
		 * running task run before it returns.
		 */
		ON_SEND,

		/**
		 * When the test calls {@link InProcessTasks#drain()}.
		 */
		ON_DRAIN

	}

	/**
	 * Create the client.
	 * @param registry the handlers
	 * @param codec the codec whose JSON mapper writes arguments and results
	 * @param run when tasks run
	 * @param defaultQueue the queue of tasks that name none and whose handler names none
	 * @param defaultMaxRetries the retries of tasks whose request and handler say none
	 * @param afterCommitByDefault whether a send in a transaction waits for its commit unless
	 * its request says otherwise
	 */
	public InProcessTasks(TaskRegistry registry, TaskMessageCodec codec, Run run, String defaultQueue,
			int defaultMaxRetries, boolean afterCommitByDefault) {
		this.registry = registry;
		this.codec = codec;
		this.run = run;
		this.defaultQueue = defaultQueue;
		this.defaultMaxRetries = defaultMaxRetries;
		this.afterCommitByDefault = afterCommitByDefault;
	}

	/**
	 * Set the versions of task names and their upcasters: a task sent with an older version
	 * than its handler's ({@code gtask.versions.tasks}) has its arguments upcast before they are
	 * bound, as a worker would.
	 * @param versions the versions
	 */
	public void setVersions(TaskVersions versions) {
		this.versions = versions;
	}

	/**
	 * Set the clock of the times recorded.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * When tasks run.
	 * @return the mode
	 */
	public Run getRun() {
		return this.run;
	}

	/**
	 * Every task sent since the last {@link #reset()}, in the order sent (those of a
	 * transaction once it committed).
	 * @return the tasks
	 */
	public List<SentTask> sent() {
		return List.copyOf(this.sent);
	}

	/**
	 * The tasks of one name sent since the last {@link #reset()}.
	 * @param name the task name
	 * @return the tasks, in the order sent
	 */
	public List<SentTask> sent(String name) {
		return this.sent.stream().filter((task) -> task.name().equals(name)).toList();
	}

	/**
	 * The tasks sent and not run yet.
	 * @return the tasks, in the order they will run
	 */
	public synchronized List<SentTask> pending() {
		return List.copyOf(this.pending);
	}

	/**
	 * Run every task sent and not run yet, and those they send, until none is left.
	 * @return how many tasks ran
	 * @throws IllegalStateException if more than {@value #MAX_TASKS_PER_DRAIN} ran, which
	 * means tasks keep sending tasks
	 */
	public int drain() {
		int ran = 0;
		SentTask next;
		while ((next = poll()) != null) {
			if (++ran > MAX_TASKS_PER_DRAIN) {
				throw new IllegalStateException("More than " + MAX_TASKS_PER_DRAIN + " tasks ran in one drain: task '"
						+ next.name() + "' and others keep sending tasks");
			}
			execute(next);
		}
		return ran;
	}

	/**
	 * Forget every task sent, run or pending, and every progress listener.
	 */
	public synchronized void reset() {
		this.sent.clear();
		this.pending.clear();
		this.states.clear();
		this.progressListeners.clear();
		this.paused.clear();
		this.deadDeleted.clear();
	}

	synchronized void pause(String queue, boolean pause) {
		if (pause) {
			this.paused.add(queue);
		}
		else {
			this.paused.remove(queue);
		}
	}

	synchronized boolean isPaused(String queue) {
		return this.paused.contains(queue);
	}

	/**
	 * The states of the tasks sent, in the order sent.
	 */
	synchronized List<State> states() {
		List<State> states = new ArrayList<>(this.sent.size());
		for (SentTask task : this.sent) {
			State state = this.states.get(task.id());
			if (state != null && !states.contains(state)) {
				states.add(state);
			}
		}
		return states;
	}

	/**
	 * The tasks that failed and were neither deleted nor sent again, as dead letters are.
	 */
	synchronized List<State> dead(String queue) {
		return states().stream()
			.filter((state) -> state.queue.equals(queue) && state.status == TaskStatus.FAILURE
					&& !this.deadDeleted.contains(state.task.id()))
			.toList();
	}

	synchronized boolean deleteDead(String id) {
		return this.deadDeleted.add(id);
	}

	void requeueDead(State state) {
		synchronized (this) {
			this.deadDeleted.remove(state.task.id());
			state.status = TaskStatus.PENDING;
			state.result = null;
			state.finishedAt = null;
			state.history.add(new TaskEvent(TaskStatus.PENDING, this.clock.instant(), state.attempts, null));
			this.pending.add(state.task);
		}
		if (this.run == Run.ON_SEND && take(state.task)) {
			execute(state.task);
		}
	}

	@Override
	public String send(String name, @Nullable Object... args) {
		return send(TaskRequest.of(name).args(args).build());
	}

	@Override
	public String send(TaskRequest request) {
		return sendAll(List.of(request)).get(0);
	}

	@Override
	public List<String> sendAll(List<TaskRequest> requests) {
		Instant now = this.clock.instant();
		List<SentTask> tasks = new ArrayList<>(requests.size());
		List<ArrayNode> args = new ArrayList<>(requests.size());
		for (TaskRequest request : requests) {
			try {
				args.add(this.codec.toArgs(request.args()));
			}
			catch (JacksonException ex) {
				throw new TaskSendException("Arguments of task '" + request.name() + "' cannot be written as JSON: "
						+ ex.getOriginalMessage(), ex);
			}
			String id = (request.id() != null) ? request.id() : UUID.randomUUID().toString();
			tasks.add(new SentTask(id, request.name(), request.args(), request, now));
		}
		List<String> ids = new ArrayList<>(tasks.size());
		List<SentTask> immediate = new ArrayList<>();
		List<SentTask> later = new ArrayList<>();
		synchronized (this) {
			for (int i = 0; i < tasks.size(); i++) {
				SentTask task = tasks.get(i);
				State existing = this.states.get(task.id());
				if (existing != null || later.stream().anyMatch((other) -> other.id().equals(task.id()))) {
					if (task.request().onDuplicate() == TaskRequest.OnDuplicate.RETURN_EXISTING) {
						ids.add(task.id());
						continue;
					}
					throw new DuplicateTaskException("Task id '" + task.id() + "' is already in use", task.id());
				}
				ids.add(task.id());
				(waitsForCommit(task.request()) ? later : immediate).add(task);
				this.states.put(task.id(), new State(task, queueOf(task), args.get(i)));
			}
		}
		if (!later.isEmpty()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCompletion(int status) {
					if (status == STATUS_COMMITTED) {
						accept(later);
					}
					else {
						forget(later);
					}
				}

			});
		}
		accept(immediate);
		return ids;
	}

	private boolean waitsForCommit(TaskRequest request) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()
				|| !TransactionSynchronizationManager.isActualTransactionActive()) {
			return false;
		}
		return switch (request.inTransaction()) {
			case AFTER_COMMIT -> true;
			case IMMEDIATE -> false;
			default -> this.afterCommitByDefault;
		};
	}

	private void accept(List<SentTask> tasks) {
		if (tasks.isEmpty()) {
			return;
		}
		synchronized (this) {
			this.sent.addAll(tasks);
			this.pending.addAll(tasks);
		}
		if (this.run == Run.ON_SEND) {
			for (SentTask task : tasks) {
				if (take(task)) {
					execute(task);
				}
			}
		}
	}

	private synchronized void forget(List<SentTask> tasks) {
		for (SentTask task : tasks) {
			this.states.remove(task.id());
		}
	}

	private synchronized @Nullable SentTask poll() {
		for (java.util.Iterator<SentTask> tasks = this.pending.iterator(); tasks.hasNext();) {
			SentTask task = tasks.next();
			State state = this.states.get(task.id());
			if (state == null || !this.paused.contains(state.queue)) {
				tasks.remove();
				return task;
			}
		}
		return null;
	}

	private synchronized boolean take(SentTask task) {
		return this.pending.remove(task);
	}

	private String queueOf(SentTask task) {
		if (task.request().queue() != null) {
			return task.request().queue();
		}
		TaskHandlerMethod handler = this.registry.find(task.name());
		return (handler != null && handler.getQueue() != null) ? handler.getQueue() : this.defaultQueue;
	}

	private void execute(SentTask task) {
		State state;
		synchronized (this) {
			state = this.states.get(task.id());
			if (state == null || state.status != TaskStatus.PENDING) {
				// revoked meanwhile, or forgotten by a reset
				return;
			}
		}
		TaskHandlerMethod handler = this.registry.find(task.name());
		if (handler == null) {
			state.fail(new TaskError(GTaskException.class.getName(),
					"No handler is registered for task '" + task.name() + "'"), this.clock.instant());
			return;
		}
		ArrayNode args;
		try {
			args = upcast(task.name(), handler, state.args);
		}
		catch (TaskVersionException ex) {
			state.fail(TaskError.of(ex), this.clock.instant());
			return;
		}
		int maxRetries = (task.request().maxRetries() != null) ? task.request().maxRetries()
				: (handler.getMaxRetries() != null) ? handler.getMaxRetries() : this.defaultMaxRetries;
		for (int attempt = 1;; attempt++) {
			InProcessTaskContext context = new InProcessTaskContext(this, state, attempt, maxRetries,
					handler.isManualCommit());
			state.start(attempt, this.clock.instant());
			Object result;
			try {
				result = handler.invoke(handler.bind(this.codec.getJsonMapper(), args, context));
			}
			catch (Throwable ex) {
				if (context.committed()) {
					return;
				}
				boolean retry = attempt <= maxRetries && !(ex instanceof Error)
						&& handler.getNoRetryFor().stream().noneMatch((type) -> type.isInstance(ex))
						&& !(ex instanceof io.gtask.core.ArgumentBindingException);
				if (!retry) {
					state.fail(TaskError.of(ex), this.clock.instant());
					return;
				}
				state.retry(TaskError.of(ex), this.clock.instant());
				continue;
			}
			if (!handler.isManualCommit()) {
				succeed(state, result);
			}
			return;
		}
	}

	void succeed(State state, @Nullable Object result) {
		String json;
		try {
			json = this.codec.getJsonMapper().writeValueAsString(result);
		}
		catch (JacksonException ex) {
			state.fail(new TaskError(GTaskException.class.getName(), "Result of task '" + state.task.name()
					+ "' cannot be written as JSON: " + ex.getOriginalMessage()), this.clock.instant());
			return;
		}
		state.succeed(json, this.clock.instant());
	}

	/**
	 * The arguments of a task for its handler, upcast from the version sent when that is older.
	 */
	private ArrayNode upcast(String name, TaskHandlerMethod handler, ArrayNode args) {
		int sent = (this.versions != null) ? this.versions.versionToSend(name) : handler.getVersion();
		return (this.versions != null && sent < handler.getVersion())
				? this.versions.upcast(name, sent, handler.getVersion(), args) : args;
	}

	void fail(State state, Throwable error) {
		state.fail(TaskError.of(error), this.clock.instant());
	}

	void requeue(State state) {
		synchronized (this) {
			state.status = TaskStatus.PENDING;
			state.history.add(new TaskEvent(TaskStatus.PENDING, this.clock.instant(), state.attempts, null));
			this.pending.add(state.task);
		}
	}

	void progress(State state, double fraction, @Nullable String message, @Nullable Object detail) {
		if (!(fraction >= 0 && fraction <= 1)) {
			throw new IllegalArgumentException("Progress must be a fraction from 0 to 1, not " + fraction);
		}
		String json = null;
		if (detail != null) {
			try {
				json = this.codec.getJsonMapper().writeValueAsString(detail);
			}
			catch (JacksonException ex) {
				throw new IllegalArgumentException("Progress detail cannot be written as JSON: "
						+ ex.getOriginalMessage(), ex);
			}
		}
		TaskProgress progress = new TaskProgress(fraction, message, json, this.clock.instant());
		List<Consumer<TaskProgress>> listeners;
		synchronized (this) {
			state.progress = progress;
			listeners = List.copyOf(this.progressListeners.getOrDefault(state.task.id(), List.of()));
		}
		listeners.forEach((listener) -> listener.accept(progress));
	}

	@Override
	public TaskStatus status(String id) {
		return info(id).status();
	}

	@Override
	public TaskInfo info(String id) {
		return find(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	@Override
	public synchronized Optional<TaskInfo> find(String id) {
		State state = this.states.get(id);
		return (state != null && this.sent.contains(state.task)) ? Optional.of(state.info()) : Optional.empty();
	}

	@Override
	public <T> @Nullable T result(String id, Class<T> type) {
		return read(info(id), this.codec.getJsonMapper().constructType(type));
	}

	@Override
	public <T> @Nullable T result(String id, ParameterizedTypeReference<T> type) {
		return read(info(id), this.codec.getJsonMapper().getTypeFactory().constructType(type.getType()));
	}

	/**
	 * The task once it finished; in {@link Run#ON_DRAIN} mode a task that has not run fails at
	 * once, since nothing runs it while the test waits.
	 */
	@Override
	public TaskInfo awaitCompletion(String id, Duration timeout) {
		TaskInfo info = info(id);
		if (!info.status().isFinished()) {
			throw new TaskAwaitTimeoutException("Task '" + info.name() + "' (" + id + ") has not finished; it is "
					+ info.status() + ((this.run == Run.ON_DRAIN) ? ": call InProcessTasks.drain() to run it" : ""));
		}
		return info;
	}

	@Override
	public <T> @Nullable T await(String id, Duration timeout, Class<T> type) {
		return read(awaitCompletion(id, timeout), this.codec.getJsonMapper().constructType(type));
	}

	@Override
	public <T> @Nullable T await(String id, Duration timeout, ParameterizedTypeReference<T> type) {
		return read(awaitCompletion(id, timeout),
				this.codec.getJsonMapper().getTypeFactory().constructType(type.getType()));
	}

	@Override
	public CompletableFuture<TaskInfo> whenFinished(String id) {
		try {
			return CompletableFuture.completedFuture(awaitCompletion(id, Duration.ZERO));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public <T> CompletableFuture<@Nullable T> resultAsync(String id, Class<T> type) {
		return whenFinished(id).thenApply((info) -> read(info, this.codec.getJsonMapper().constructType(type)));
	}

	@Override
	public <T> CompletableFuture<@Nullable T> resultAsync(String id, ParameterizedTypeReference<T> type) {
		return whenFinished(id).thenApply((info) -> read(info,
				this.codec.getJsonMapper().getTypeFactory().constructType(type.getType())));
	}

	@Override
	public synchronized boolean revoke(String id) {
		State state = this.states.get(id);
		if (state == null) {
			throw new TaskNotFoundException(id);
		}
		if (state.status != TaskStatus.PENDING) {
			return false;
		}
		this.pending.remove(state.task);
		state.finish(TaskStatus.REVOKED, null, new TaskError(GTaskException.class.getName(), "Revoked"),
				this.clock.instant());
		return true;
	}

	@Override
	public boolean cancel(String id) {
		return revoke(id);
	}

	@Override
	public synchronized void repush(String id) {
		State state = this.states.get(id);
		if (state == null) {
			throw new TaskNotFoundException(id);
		}
		if (state.status == TaskStatus.PENDING) {
			this.pending.remove(state.task);
			this.pending.addFirst(state.task);
		}
	}

	@Override
	public TaskFlows flows() {
		throw new UnsupportedOperationException("Flows do not run in-process: test them against a Redis "
				+ "(see docs/testing.md)");
	}

	@Override
	public TaskBatches batches() {
		throw new UnsupportedOperationException("Batches do not run in-process: test them against a Redis "
				+ "(see docs/testing.md)");
	}

	@Override
	public synchronized AutoCloseable onProgress(String id, Consumer<TaskProgress> listener) {
		this.progressListeners.computeIfAbsent(id, (key) -> new CopyOnWriteArrayList<>()).add(listener);
		return () -> {
			synchronized (this) {
				List<Consumer<TaskProgress>> listeners = this.progressListeners.get(id);
				if (listeners != null) {
					listeners.remove(listener);
				}
			}
		};
	}

	private <T> @Nullable T read(TaskInfo info, JavaType type) {
		return TaskResults.read(info, this.codec.getJsonMapper(), type);
	}

	/**
	 * Where one task stands.
	 */
	static final class State {

		final SentTask task;

		final String queue;

		final ArrayNode args;

		TaskStatus status = TaskStatus.PENDING;

		int attempts;

		@Nullable String result;

		@Nullable TaskError error;

		@Nullable Instant startedAt;

		@Nullable Instant finishedAt;

		@Nullable TaskProgress progress;

		final List<TaskEvent> history = Collections.synchronizedList(new ArrayList<>());

		State(SentTask task, String queue, ArrayNode args) {
			this.task = task;
			this.queue = queue;
			this.args = args;
			this.history.add(new TaskEvent(TaskStatus.PENDING, task.sentAt(), 0, null));
		}

		synchronized void start(int attempt, Instant at) {
			this.status = TaskStatus.STARTED;
			this.attempts = attempt;
			this.startedAt = at;
			this.history.add(new TaskEvent(TaskStatus.STARTED, at, attempt, null));
		}

		synchronized void retry(TaskError error, Instant at) {
			this.status = TaskStatus.RETRY;
			this.error = error;
			this.history.add(new TaskEvent(TaskStatus.RETRY, at, this.attempts, error));
		}

		void succeed(String result, Instant at) {
			finish(TaskStatus.SUCCESS, result, null, at);
		}

		void fail(TaskError error, Instant at) {
			finish(TaskStatus.FAILURE, null, error, at);
		}

		synchronized void finish(TaskStatus status, @Nullable String result, @Nullable TaskError error, Instant at) {
			this.status = status;
			this.result = result;
			this.error = error;
			this.finishedAt = at;
			this.history.add(new TaskEvent(status, at, this.attempts, error));
		}

		synchronized TaskInfo info() {
			return new TaskInfo(this.task.id(), this.task.name(), this.queue, this.status, this.result, this.error,
					this.attempts, this.task.sentAt(), this.startedAt, this.finishedAt, null, this.args.toString(),
					List.copyOf(this.history), this.progress);
		}

	}

}
