package io.gtask.send;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.NewTask;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskStateChange;
import io.gtask.broker.OutgoingTask;
import io.gtask.broker.TaskBroker;
import io.gtask.core.DuplicateTaskException;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskVersion;
import io.gtask.metrics.TaskMetrics;
import io.gtask.metrics.TaskOrigin;
import io.gtask.registry.TaskVersions;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.unit.DataSize;

/**
 * Sends tasks, for every path that queues one: the client, periodic schedules, the reaper of
 * durable mode, manual-commit handlers that hand their task back, and the dead letters. Each
 * send is checked by the same rules, routed by the same {@link TaskRouter}, observed (so its
 * trace context travels in the message), counted in {@code gtask.tasks.sent} with its
 * {@link TaskOrigin}, and written record first: a new task is recorded as PENDING before its
 * message is queued, a task sent again is marked PENDING before its message is queued again.
 * <p>
 * A failed send says truthfully what became of the tasks: nothing was queued
 * ({@link io.gtask.core.TaskSendException}), the outcome is unknown
 * ({@link io.gtask.core.TaskSendOutcomeUnknownException}, with the ids), or an id or uniqueness
 * key was taken ({@link DuplicateTaskException}).
 */
public class TaskSender {

	private static final LogAccessor logger = new LogAccessor(TaskSender.class);

	/**
	 * Runs the sends held for a commit away from the committing thread, whose connection is
	 * still bound to the transaction that ended, and the immediate sends made in a transaction
	 * that a result backend would join.
	 */
	private static final Executor AFTER_COMMIT_EXECUTOR = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "gtask-after-commit");
		thread.setDaemon(true);
		return thread;
	});

	private final ResultBackend backend;

	private final TaskRouter router;

	private final SendPreparer preparer;

	private final RecordAndQueue writer;

	private Clock clock = Clock.systemUTC();

	private TaskMetrics metrics = TaskMetrics.NONE;

	private TaskRequest.InTransaction inTransaction = TaskRequest.InTransaction.AFTER_COMMIT;

	private final AfterCommitSends afterCommit;

	/**
	 * Create a sender.
	 * @param broker the broker
	 * @param backend the result backend
	 * @param codec the message codec
	 * @param router the router of task names to queues
	 * @param maxPayloadSize the largest message sent
	 */
	public TaskSender(TaskBroker broker, ResultBackend backend, TaskMessageCodec codec, TaskRouter router,
			DataSize maxPayloadSize) {
		this.backend = backend;
		this.router = router;
		this.preparer = new SendPreparer(codec, router, maxPayloadSize);
		this.writer = new RecordAndQueue(broker, backend);
		this.afterCommit = new AfterCommitSends(this::sendCommitted, AFTER_COMMIT_EXECUTOR);
	}

	/**
	 * Set when a task sent inside a Spring-managed transaction is queued, for requests that do
	 * not say ({@link TaskRequest.InTransaction#DEFAULT}).
	 * @param inTransaction {@link TaskRequest.InTransaction#AFTER_COMMIT} (the default) or
	 * {@link TaskRequest.InTransaction#IMMEDIATE}
	 */
	public void setInTransaction(TaskRequest.InTransaction inTransaction) {
		this.inTransaction = (inTransaction != TaskRequest.InTransaction.DEFAULT) ? inTransaction
				: TaskRequest.InTransaction.AFTER_COMMIT;
	}

	/**
	 * Make the result backend the system of record: each task is recorded with its message
	 * before it is queued, and a send succeeds once the task is recorded, even if Redis cannot
	 * take it at that moment (the reaper queues it later). The backend must be a
	 * {@link DurableResultBackend}.
	 * @param durable whether to send durably
	 */
	public void setDurable(boolean durable) {
		if (durable && !(this.backend instanceof DurableResultBackend)) {
			throw new IllegalStateException("Durable mode needs a result backend that keeps task messages (JDBC or "
					+ "MongoDB: gtask.backend.type=jdbc or mongo), not " + this.backend.getClass().getName());
		}
		this.writer.setDurable(durable);
	}

	/**
	 * Whether the result backend is the system of record.
	 * @return whether sends are durable
	 */
	public boolean isDurable() {
		return this.writer.isDurable();
	}

	/**
	 * Set the way to write the records and messages of new tasks with generated ids in one
	 * round trip; without one, each send waits for its records before it queues.
	 * @param pipeline the pipeline, or {@code null} for none
	 */
	public void setPipeline(@Nullable SendPipeline pipeline) {
		this.writer.setPipeline(pipeline);
	}

	/**
	 * Set whether the result backend keeps the arguments of each task sent, so that looking a
	 * task up by id tells them. On by default.
	 * @param storeArguments whether to keep the arguments
	 */
	public void setStoreArguments(boolean storeArguments) {
		this.preparer.setStoreArguments(storeArguments);
	}

	/**
	 * Set the versions written into the messages of task names; without them every message is
	 * of version {@value TaskVersion#FIRST} and carries no version header.
	 * @param versions the versions
	 */
	public void setVersions(TaskVersions versions) {
		this.preparer.setVersions(versions::versionToSend);
	}

	/**
	 * Set the clock, for tests that control time.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Set the metrics told of each task queued.
	 * @param metrics the metrics
	 */
	public void setMetrics(TaskMetrics metrics) {
		this.metrics = metrics;
	}

	/**
	 * Set the registry of the observation of each send, whose trace context travels in the
	 * headers of the task message.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.preparer.setObservationRegistry(observationRegistry);
	}

	/**
	 * The router of task names to queues.
	 * @return the router
	 */
	public TaskRouter getRouter() {
		return this.router;
	}

	/**
	 * Send new tasks, as {@link io.gtask.core.TaskClient#sendAll(List)} does.
	 * @param requests the tasks
	 * @return the id of each task, or of the task that holds its id or uniqueness key when the
	 * request asks for that on a duplicate
	 * @throws DuplicateTaskException if an id or uniqueness key was taken, once every other
	 * task was sent
	 */
	public List<String> send(List<TaskRequest> requests) {
		Instant now = this.clock.instant();
		List<PreparedTask> tasks = new ArrayList<>(requests.size());
		try {
			for (TaskRequest request : requests) {
				tasks.add(this.preparer.prepare(request, now, Map.of(), request.id() != null, isDurable()));
			}
			if (AfterCommitSends.inTransaction()) {
				return requests.stream().anyMatch(this::afterCommit) ? sendInTransaction(requests, tasks)
						: writeOutsideTransaction(tasks);
			}
			return write(tasks);
		}
		catch (RuntimeException ex) {
			fail(tasks, ex);
			throw ex;
		}
	}

	/**
	 * Send tasks inside a transaction: those to be queued at once are, the others wait for its
	 * commit. In durable mode with a backend that joins the transaction, their records are
	 * written now, in it.
	 */
	private List<String> sendInTransaction(List<TaskRequest> requests, List<PreparedTask> tasks) {
		List<PreparedTask> immediate = new ArrayList<>();
		List<PreparedTask> held = new ArrayList<>();
		for (int i = 0; i < requests.size(); i++) {
			(afterCommit(requests.get(i)) ? held : immediate).add(tasks.get(i));
		}
		Map<String, String> sentNow = new HashMap<>();
		if (!immediate.isEmpty()) {
			List<String> ids = writeOutsideTransaction(immediate);
			for (int i = 0; i < immediate.size(); i++) {
				sentNow.put(immediate.get(i).id(), ids.get(i));
			}
		}
		boolean recordNow = isDurable() && ((DurableResultBackend) this.backend).joinsCurrentTransaction();
		if (recordNow) {
			List<String> refused = this.writer.recorded(held.stream().map(PreparedTask::record).toList());
			for (PreparedTask task : held) {
				if (refused.contains(task.id()) && task.onDuplicate() == TaskRequest.OnDuplicate.FAIL) {
					throw new DuplicateTaskException("Task id '" + task.id() + "' is already in use", task.id());
				}
			}
			held = held.stream().filter((task) -> !refused.contains(task.id())).toList();
		}
		if (!held.isEmpty()) {
			this.afterCommit.hold(held, recordNow);
		}
		List<String> ids = new ArrayList<>(tasks.size());
		for (PreparedTask task : tasks) {
			ids.add(sentNow.getOrDefault(task.id(), task.id()));
		}
		return ids;
	}

	/**
	 * Record and queue tasks now, inside a transaction, with records that do not depend on it:
	 * a backend that would join the transaction is written from another thread, so that a
	 * rollback never leaves a queued task without its record.
	 */
	private List<String> writeOutsideTransaction(List<PreparedTask> tasks) {
		if (!(this.backend instanceof DurableResultBackend joining) || !joining.joinsCurrentTransaction()) {
			return write(tasks);
		}
		try {
			return CompletableFuture.supplyAsync(() -> write(tasks), AFTER_COMMIT_EXECUTOR).join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw ex;
		}
	}

	private boolean afterCommit(TaskRequest request) {
		TaskRequest.InTransaction mode = (request.inTransaction() != TaskRequest.InTransaction.DEFAULT)
				? request.inTransaction() : this.inTransaction;
		return mode == TaskRequest.InTransaction.AFTER_COMMIT;
	}

	/**
	 * Write what a transaction held once it committed: queue the tasks it recorded, or record
	 * and queue the others. Nobody waits for this any more, so what could not be sent is told
	 * in the log, at ERROR, with the ids.
	 */
	private void sendCommitted(List<PreparedTask> tasks, boolean recorded) {
		List<OutgoingTask> messages = tasks.stream().map(PreparedTask::message).toList();
		RecordAndQueue.Queued written;
		try {
			written = recorded ? new RecordAndQueue.Queued(List.of(), this.writer.enqueueRecorded(messages, List.of()))
					: this.writer.write(tasks.stream().map(PreparedTask::record).toList(), messages);
		}
		catch (RuntimeException ex) {
			logger.error(ex, () -> "The transaction committed but " + tasks.size() + " task(s) sent in it could not be "
					+ "queued: " + ex.getMessage() + "; ids " + tasks.stream().map(PreparedTask::id).toList());
			fail(tasks, ex);
			return;
		}
		for (int i = 0; i < tasks.size(); i++) {
			PreparedTask task = tasks.get(i);
			String holder = written.holders().get(i);
			if (written.refused().contains(task.id())) {
				logger.warn(() -> "Task '" + task.name() + "' sent in a transaction was not queued after its commit: "
						+ "its id '" + task.id() + "' is already in use");
			}
			else if (holder != null) {
				this.writer.forget(List.of(task.message()));
				logger.info(() -> "Task '" + task.name() + "' (" + task.id() + ") sent in a transaction was not queued "
						+ "after its commit: its uniqueness key '" + task.message().uniqueKey() + "' is held by task "
						+ holder);
			}
			else {
				this.metrics.sent(task.queue(), task.name(), TaskOrigin.CLIENT);
			}
			task.observation().stop();
		}
	}

	/**
	 * Record tasks and queue them now.
	 */
	private List<String> write(List<PreparedTask> tasks) {
		List<NewTask> records = tasks.stream().map(PreparedTask::record).toList();
		List<OutgoingTask> messages = tasks.stream().map(PreparedTask::message).toList();
		List<String> ids = outcome(tasks, this.writer.write(records, messages));
		tasks.forEach((task) -> task.observation().stop());
		return ids;
	}

	/**
	 * Send tasks whose ids a flow or a batch chose, each with the headers that tie it to them.
	 * The flow or batch makes sure each is sent once, so their records are written as new ones
	 * are, in one round trip with their messages where the backend allows.
	 * @param requests the tasks, with their ids
	 * @param headers the headers of each task's message
	 * @param origin what sends them
	 */
	public void sendChosen(List<TaskRequest> requests, List<Map<String, String>> headers, TaskOrigin origin) {
		Instant now = this.clock.instant();
		List<PreparedTask> tasks = new ArrayList<>(requests.size());
		try {
			for (int i = 0; i < requests.size(); i++) {
				tasks.add(this.preparer.prepare(requests.get(i), now, headers.get(i), false, isDurable()));
			}
			this.writer.write(tasks.stream().map(PreparedTask::record).toList(),
					tasks.stream().map(PreparedTask::message).toList());
			for (PreparedTask task : tasks) {
				this.metrics.sent(task.queue(), task.name(), origin);
				task.observation().stop();
			}
		}
		catch (RuntimeException ex) {
			fail(tasks, ex);
			throw ex;
		}
	}

	/**
	 * Send a new task with a chosen id that may be recorded already, queued by a step of its
	 * own: the task of a periodic schedule's tick, which every instance records and exactly one
	 * queues. The record keeps no message.
	 * @param request the task, with its id and queue
	 * @param headers headers of its message
	 * @param origin what sends it
	 * @param step queues the message if its condition holds
	 * @return whether the step queued it
	 * @throws org.springframework.dao.DataAccessException if the record or the step failed
	 */
	public boolean send(TaskRequest request, Map<String, String> headers, TaskOrigin origin, QueueStep step) {
		PreparedTask task = this.preparer.prepare(request, this.clock.instant(), headers, false, false);
		try {
			// recorded before the message exists, so that a fast worker's STARTED is never followed by PENDING
			join(this.backend.create(List.of(task.record())));
			boolean queued = step.queue(task.message());
			if (queued) {
				this.metrics.sent(task.queue(), task.name(), origin);
			}
			task.observation().stop();
			return queued;
		}
		catch (RuntimeException ex) {
			fail(List.of(task), ex);
			throw ex;
		}
	}

	/**
	 * Send recorded tasks again: mark each PENDING, then queue its message.
	 * @param tasks the tasks and the messages to send them with
	 * @param origin what sends them
	 * @return the ids of the tasks sent, without those that changed since they were read
	 * @throws io.gtask.core.MalformedTaskMessageException if a message breaks the rules of
	 * sending, before anything was written
	 * @throws io.gtask.core.TaskSendException if the messages could not be queued, saying
	 * whether nothing was or the outcome is unknown; the tasks stay PENDING
	 */
	public List<String> resend(List<Resend> tasks, TaskOrigin origin) {
		List<PreparedTask> prepared = new ArrayList<>(tasks.size());
		try {
			for (Resend task : tasks) {
				prepared.add(this.preparer.prepareAgain(task.message()));
			}
			List<PreparedTask> marked = markPending(tasks, prepared);
			if (!marked.isEmpty()) {
				this.writer.enqueue(marked.stream().map(PreparedTask::name).toList(),
						marked.stream().map(PreparedTask::message).toList(), false);
			}
			marked.forEach((task) -> this.metrics.sent(task.queue(), task.name(), origin));
			prepared.forEach((task) -> task.observation().stop());
			return marked.stream().map(PreparedTask::id).toList();
		}
		catch (RuntimeException ex) {
			fail(prepared, ex);
			throw ex;
		}
	}

	/**
	 * Send a recorded task again, queued by a step of its own: a dead letter, which exactly
	 * one request takes back into its queue.
	 * @param task the task and the message to send it with
	 * @param origin what sends it
	 * @param step queues the message if its condition holds
	 * @return whether it was marked PENDING and the step queued it
	 */
	public boolean resend(Resend task, TaskOrigin origin, QueueStep step) {
		PreparedTask prepared = this.preparer.prepareAgain(task.message());
		try {
			boolean queued = !markPending(List.of(task), List.of(prepared)).isEmpty() && step.queue(prepared.message());
			if (queued) {
				this.metrics.sent(prepared.queue(), prepared.name(), origin);
			}
			prepared.observation().stop();
			return queued;
		}
		catch (RuntimeException ex) {
			fail(List.of(prepared), ex);
			throw ex;
		}
	}

	/**
	 * Mark tasks PENDING again: each one read from a durable backend only if it has not changed
	 * since (a worker may have recorded its outcome meanwhile), the others at once.
	 * @return the tasks marked
	 */
	private List<PreparedTask> markPending(List<Resend> tasks, List<PreparedTask> prepared) {
		Instant now = this.clock.instant();
		List<PreparedTask> marked = new ArrayList<>(tasks.size());
		List<TaskStateChange> changes = new ArrayList<>();
		for (int i = 0; i < tasks.size(); i++) {
			PreparedTask task = prepared.get(i);
			TaskStateChange change = TaskStateChange.requeued(task.id(), task.name(), task.queue(), now);
			StoredTask readAs = tasks.get(i).readAs();
			if (readAs == null) {
				changes.add(change);
				marked.add(task);
			}
			else if (((DurableResultBackend) this.backend).updateIfUnchanged(readAs, change)) {
				marked.add(task);
			}
		}
		if (!changes.isEmpty()) {
			this.backend.update(changes);
		}
		return marked;
	}

	/**
	 * The id each request ends with: its own, or the id of the task that holds its id or
	 * uniqueness key when the request asks for it; a duplicate otherwise fails the send once
	 * every other task was sent.
	 */
	private List<String> outcome(List<PreparedTask> tasks, RecordAndQueue.Queued written) {
		List<String> ids = new ArrayList<>(tasks.size());
		DuplicateTaskException duplicate = null;
		for (int i = 0; i < tasks.size(); i++) {
			PreparedTask task = tasks.get(i);
			String holder = written.holders().get(i);
			String existing = null;
			String reason = null;
			if (written.refused().contains(task.id())) {
				existing = task.id();
				reason = "Task id '" + task.id() + "' is already in use";
			}
			else if (holder != null) {
				this.writer.forget(List.of(task.message()));
				existing = holder;
				reason = "Task '" + task.name() + "' with uniqueness key '" + task.message().uniqueKey()
						+ "' in queue '" + task.queue() + "' is already queued or running as task " + holder;
			}
			if (existing == null) {
				ids.add(task.id());
				this.metrics.sent(task.queue(), task.name(), TaskOrigin.CLIENT);
			}
			else if (task.onDuplicate() == TaskRequest.OnDuplicate.RETURN_EXISTING) {
				ids.add(existing);
			}
			else if (duplicate == null) {
				duplicate = new DuplicateTaskException(
						reason + ((tasks.size() > 1) ? " (the other tasks were sent)" : ""), existing);
			}
		}
		if (duplicate != null) {
			throw duplicate;
		}
		return ids;
	}

	private static void fail(List<PreparedTask> tasks, RuntimeException ex) {
		for (PreparedTask task : tasks) {
			Observation observation = task.observation();
			observation.error(ex);
			observation.stop();
		}
	}

	private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw ex;
		}
	}

	/**
	 * A recorded task to send again.
	 *
	 * @param message the message to send it with, as it should reach the worker (a first
	 * attempt, or the attempt it was on)
	 * @param readAs the task as read from a durable backend, to mark it PENDING only if it has
	 * not changed since, or {@code null} to mark it at once
	 */
	public record Resend(TaskMessage message, @Nullable StoredTask readAs) {

		/**
		 * A task to send again that is marked PENDING at once.
		 * @param message the message to send it with
		 */
		public Resend(TaskMessage message) {
			this(message, null);
		}

	}

}
