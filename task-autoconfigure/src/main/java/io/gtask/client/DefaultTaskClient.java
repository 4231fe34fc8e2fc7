package io.gtask.client;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.NewTask;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskStateChange;
import io.gtask.broker.OutgoingTask;
import io.gtask.broker.QueueAdmin;
import io.gtask.broker.TaskBroker;
import io.gtask.core.DuplicateTaskException;
import io.gtask.core.GTaskException;
import io.gtask.core.PayloadTooLargeException;
import io.gtask.core.TaskAwaitTimeoutException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFailedException;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskNotFinishedException;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import io.gtask.core.QueueKeyTypeException;
import io.gtask.core.TaskSendOutcomeUnknownException;
import io.gtask.core.TaskStatus;
import io.gtask.metrics.TaskMetrics;
import io.gtask.metrics.TaskOrigin;
import io.gtask.observation.TaskObservations;
import io.gtask.observation.TaskSendContext;
import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.util.unit.DataSize;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ArrayNode;

/**
 * The default {@link TaskClient}: records each task as PENDING in the result backend, then
 * queues its message on the broker.
 */
public class DefaultTaskClient implements TaskClient {

	private static final LogAccessor logger = new LogAccessor(DefaultTaskClient.class);

	private final TaskBroker broker;

	private final QueueAdmin queueAdmin;

	private final ResultBackend backend;

	private final TaskMessageCodec codec;

	private final TaskRegistry registry;

	private final String defaultQueue;

	private final DataSize maxPayloadSize;

	private boolean durable;

	private boolean storeArguments = true;

	private Map<String, String> routes = Map.of();

	private Clock clock = Clock.systemUTC();

	private TaskMetrics metrics = TaskMetrics.NONE;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	/**
	 * Create a client.
	 * @param broker the broker
	 * @param queueAdmin the queue administration of the broker, which revokes tasks
	 * @param backend the result backend
	 * @param codec the message codec
	 * @param registry the local task handlers, whose queues are used when a sender names none
	 * @param defaultQueue the queue of tasks whose handler and sender name none
	 * @param maxPayloadSize the largest message accepted
	 */
	public DefaultTaskClient(TaskBroker broker, QueueAdmin queueAdmin, ResultBackend backend, TaskMessageCodec codec,
			TaskRegistry registry, String defaultQueue, DataSize maxPayloadSize) {
		this.broker = broker;
		this.queueAdmin = queueAdmin;
		this.backend = backend;
		this.codec = codec;
		this.registry = registry;
		this.defaultQueue = TaskMessageRules.validQueue(defaultQueue);
		this.maxPayloadSize = maxPayloadSize;
	}

	/**
	 * Set the queue of each task name, used for tasks sent without a queue before the queue of a
	 * local handler.
	 * @param routes the queues by task name
	 */
	public void setRoutes(Map<String, String> routes) {
		this.routes = Map.copyOf(routes);
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
		this.durable = durable;
	}

	/**
	 * Set whether the result backend keeps the arguments of each task sent, so that looking a
	 * task up by id tells them. On by default.
	 * @param storeArguments whether to keep the arguments
	 */
	public void setStoreArguments(boolean storeArguments) {
		this.storeArguments = storeArguments;
	}

	/**
	 * Set the clock, for tests that control time.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Set the metrics told of each task sent, and of each task sent again by
	 * {@link #repush(String)}.
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
		this.observationRegistry = observationRegistry;
	}

	@Override
	public String send(String name, @Nullable Object... args) {
		return send(TaskRequest.of(name).args(args).build());
	}

	@Override
	public String send(TaskRequest request) {
		return sendAll(Collections.singletonList(request)).get(0);
	}

	@Override
	public List<String> sendAll(List<TaskRequest> requests) {
		Instant now = this.clock.instant();
		List<NewTask> records = new ArrayList<>(requests.size());
		List<OutgoingTask> messages = new ArrayList<>(requests.size());
		List<Observation> observations = new ArrayList<>(requests.size());
		try {
			for (TaskRequest request : requests) {
				String id = (request.id() != null) ? request.id() : UUID.randomUUID().toString();
				String queue = TaskMessageRules.validQueue(queueOf(request));
				Instant due = (request.eta() != null && request.eta().isAfter(now)) ? request.eta() : null;
				Map<String, String> headers = new HashMap<>(4);
				if (due != null) {
					headers.put(TaskMessage.DUE_HEADER, Long.toString(due.toEpochMilli()));
				}
				observations.add(observeSend(id, request.name(), queue, headers));
				ArrayNode args = args(request);
				String uniqueKey = uniqueKey(request, args);
				byte[] payload = encode(request, id, queue, now, args, uniqueKey, headers);
				records.add(new NewTask(id, request.name(), queue, now, request.id() != null,
						this.durable ? payload : null, due,
						this.storeArguments ? this.codec.writeArgs(args) : null));
				messages.add(
						new OutgoingTask(queue, id, payload, due, request.priority(), uniqueKey, request.uniqueFor()));
			}
			List<String> ids = send(requests, records, messages);
			observations.forEach(Observation::stop);
			return ids;
		}
		catch (RuntimeException ex) {
			for (Observation observation : observations) {
				observation.error(ex);
				observation.stop();
			}
			throw ex;
		}
	}

	/**
	 * Start the observation of sending one task, which writes the trace context into the
	 * headers of its message.
	 */
	private Observation observeSend(String id, String name, String queue, Map<String, String> headers) {
		return Observation
			.createNotStarted(TaskObservations.SEND, () -> new TaskSendContext(id, name, queue, headers),
					this.observationRegistry)
			.contextualName(queue + " send")
			.lowCardinalityKeyValue(TaskObservations.TASK, name)
			.lowCardinalityKeyValue(TaskObservations.QUEUE, queue)
			.highCardinalityKeyValue(TaskObservations.TASK_ID, id)
			.start();
	}

	private List<String> send(List<TaskRequest> requests, List<NewTask> records, List<OutgoingTask> messages) {
		List<String> refused;
		List<@Nullable String> holders;
		if (this.durable) {
			refused = recorded(records, requests);
			holders = enqueueRecorded(requests, messages, refused);
		}
		else {
			// recorded first, queued only then: a queued task always has its record
			refused = recordOrForget(records, requests, messages);
			List<OutgoingTask> accepted = new ArrayList<>(messages);
			accepted.removeIf((message) -> refused.contains(message.id()));
			List<@Nullable String> acceptedHolders = enqueueAfterRecord(requests, accepted);
			holders = new ArrayList<>(messages.size());
			int next = 0;
			for (OutgoingTask message : messages) {
				holders.add(refused.contains(message.id()) ? null : acceptedHolders.get(next++));
			}
		}
		return outcome(requests, messages, refused, holders);
	}

	/**
	 * Record tasks in a durable backend; if it refuses, nothing is queued. When the write may
	 * have happened without its answer arriving (a timeout, a connection lost during the
	 * statement), the record, if it was written, is queued by the reaper: the caller is told that
	 * the outcome is unknown, with the ids.
	 */
	private List<String> recorded(List<NewTask> records, List<TaskRequest> requests) {
		try {
			return record(records).join();
		}
		catch (CompletionException ex) {
			Throwable cause = ex.getCause();
			// no connection at all: nothing was written (by name, as spring-jdbc is optional)
			if (cause.getClass().getName().equals("org.springframework.jdbc.CannotGetJdbcConnectionException")
					|| (cause instanceof org.springframework.dao.NonTransientDataAccessException
							&& !(cause instanceof org.springframework.dao.DataAccessResourceFailureException))
					|| !(cause instanceof DataAccessException)) {
				throw notRecorded(requests, cause);
			}
			List<String> ids = records.stream().map(NewTask::id).toList();
			String reason = ((DataAccessException) cause).getMostSpecificCause().getMessage();
			throw new TaskSendOutcomeUnknownException("Recording " + ((ids.size() == 1) ? "task '"
					+ requests.get(0).name() + "' (" + ids.get(0) + ")" : ids.size() + " tasks") + " in the result backend "
					+ "has an unknown outcome (" + reason + "): if the record was written, the reaper queues it and it "
					+ "runs. Look it up by id before sending it again", ids, cause);
		}
	}

	/**
	 * Record tasks before their messages are queued. If the record cannot be written, nothing
	 * is queued; a record whose write may have happened (Redis did not answer in time) is
	 * deleted if its id was generated, since its task will never be queued.
	 */
	private List<String> recordOrForget(List<NewTask> records, List<TaskRequest> requests,
			List<OutgoingTask> messages) {
		try {
			return record(records).join();
		}
		catch (CompletionException ex) {
			// a caller-chosen id may be another task's: only generated ids are surely this send's
			List<OutgoingTask> generated = new ArrayList<>();
			for (int i = 0; i < records.size(); i++) {
				if (!records.get(i).exclusive()) {
					generated.add(messages.get(i));
				}
			}
			forget(generated);
			throw notRecorded(requests, ex.getCause());
		}
	}

	/**
	 * Queue tasks that are recorded. When Redis refuses the commands before writing them (the
	 * connection is down), nothing was queued, and the records are deleted. When it fails after
	 * they were written (no answer in time, a connection that broke meanwhile), the tasks may be
	 * queued: their records are kept and the caller is told that the outcome is unknown, with
	 * the ids of the tasks.
	 */
	private List<@Nullable String> enqueueAfterRecord(List<TaskRequest> requests, List<OutgoingTask> accepted) {
		CompletableFuture<List<@Nullable String>> queued = this.broker.enqueue(accepted);
		// a future failed before enqueue returned: the commands were never written
		boolean notWritten = queued.isCompletedExceptionally();
		try {
			return queued.join();
		}
		catch (CompletionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof QueueKeyTypeException wrongType && !wrongType.getNotQueued().isEmpty()) {
				// Redis refused the commands on a key of another type: those tasks were surely not queued
				forget(accepted.stream().filter((task) -> wrongType.getNotQueued().contains(task.id())).toList());
				throw refusedByKeyType(requests, accepted, wrongType);
			}
			if (notWritten && cause instanceof RedisConnectionFailureException) {
				forget(accepted);
				throw unavailable(requests, cause);
			}
			throw outcomeUnknown(requests, accepted, cause);
		}
	}

	private static TaskSendException refusedByKeyType(List<TaskRequest> requests, List<OutgoingTask> accepted,
			QueueKeyTypeException ex) {
		List<String> notQueued = ex.getNotQueued();
		if (notQueued.size() >= accepted.size()) {
			String what = (requests.size() == 1) ? "task '" + requests.get(0).name() + "' (" + notQueued.get(0) + ")"
					: notQueued.size() + " tasks";
			return new TaskSendException("Could not send " + what + ": " + ex.getMessage() + "; nothing was queued", ex);
		}
		return new TaskSendException(notQueued.size() + " of " + accepted.size() + " tasks were not queued ("
				+ String.join(", ", notQueued.subList(0, Math.min(notQueued.size(), 10)))
				+ ((notQueued.size() > 10) ? ", ..." : "") + "): " + ex.getMessage() + "; the others were queued", ex);
	}

	private static TaskSendOutcomeUnknownException outcomeUnknown(List<TaskRequest> requests,
			List<OutgoingTask> messages, Throwable ex) {
		List<String> ids = messages.stream().map(OutgoingTask::id).toList();
		String what = (requests.size() == 1) ? "task '" + requests.get(0).name() + "' (" + ids.get(0) + ")"
				: ids.size() + " tasks (" + String.join(", ", ids.subList(0, Math.min(ids.size(), 10)))
						+ ((ids.size() > 10) ? ", ..." : "") + ")";
		String reason = (ex instanceof DataAccessException dae) ? dae.getMostSpecificCause().getMessage()
				: ex.getMessage();
		return new TaskSendOutcomeUnknownException("Sending " + what + " has an unknown outcome: it is recorded and "
				+ "its message was written to Redis, which did not confirm it (" + reason + "); it may have been "
				+ "queued and may run. Its record is kept: look it up by id, wait for it, or revoke it", ids, ex);
	}

	/**
	 * Queue tasks already recorded by a durable backend. If Redis cannot take them, they stay
	 * recorded and the reaper queues them later, so the send still succeeds.
	 */
	private List<@Nullable String> enqueueRecorded(List<TaskRequest> requests, List<OutgoingTask> messages,
			List<String> refused) {
		List<OutgoingTask> accepted = new ArrayList<>(messages);
		accepted.removeIf((message) -> refused.contains(message.id()));
		List<@Nullable String> acceptedHolders;
		try {
			acceptedHolders = this.broker.enqueue(accepted).join();
		}
		catch (CompletionException ex) {
			logger.warn(() -> "Recorded " + accepted.size() + " task(s) but could not queue them ("
					+ ex.getCause().getMessage() + "); the reaper will queue them once Redis answers");
			acceptedHolders = new ArrayList<>(Collections.nCopies(accepted.size(), null));
		}
		List<@Nullable String> holders = new ArrayList<>(messages.size());
		int next = 0;
		for (OutgoingTask message : messages) {
			holders.add(refused.contains(message.id()) ? null : acceptedHolders.get(next++));
		}
		return holders;
	}

	/**
	 * The id each request ends with: its own, or the id of the task that holds its id or
	 * uniqueness key when the request asks for it; a duplicate otherwise fails the send once
	 * every other task was sent.
	 */
	private List<String> outcome(List<TaskRequest> requests, List<OutgoingTask> messages, List<String> refused,
			List<@Nullable String> holders) {
		List<String> ids = new ArrayList<>(requests.size());
		DuplicateTaskException duplicate = null;
		for (int i = 0; i < requests.size(); i++) {
			TaskRequest request = requests.get(i);
			OutgoingTask message = messages.get(i);
			String holder = holders.get(i);
			String existing = null;
			String reason = null;
			if (refused.contains(message.id())) {
				existing = message.id();
				reason = "Task id '" + message.id() + "' is already in use";
			}
			else if (holder != null) {
				forget(List.of(message));
				existing = holder;
				reason = "Task '" + request.name() + "' with uniqueness key '" + message.uniqueKey() + "' in queue '"
						+ message.queue() + "' is already queued or running as task " + holder;
			}
			if (existing == null) {
				ids.add(message.id());
				this.metrics.sent(message.queue(), request.name(), TaskOrigin.CLIENT);
			}
			else if (request.onDuplicate() == TaskRequest.OnDuplicate.RETURN_EXISTING) {
				ids.add(existing);
			}
			else if (duplicate == null) {
				duplicate = new DuplicateTaskException(
						reason + ((requests.size() > 1) ? " (the other tasks were sent)" : ""), existing);
			}
		}
		if (duplicate != null) {
			throw duplicate;
		}
		return ids;
	}

	private @Nullable String uniqueKey(TaskRequest request, ArrayNode args) {
		if (request.uniqueKey() == null) {
			return null;
		}
		if (!request.uniqueKey().isEmpty()) {
			return request.uniqueKey();
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(this.codec.getJsonMapper().writeValueAsBytes(args));
			return request.name() + ":" + HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	private String queueOf(TaskRequest request) {
		if (request.queue() != null) {
			return request.queue();
		}
		String routed = this.routes.get(request.name());
		if (routed != null) {
			return routed;
		}
		TaskHandlerMethod handler = this.registry.find(request.name());
		return (handler != null && handler.getQueue() != null) ? handler.getQueue() : this.defaultQueue;
	}

	private ArrayNode args(TaskRequest request) {
		try {
			return this.codec.toArgs(request.args());
		}
		catch (JacksonException ex) {
			throw new TaskSendException(
					"Arguments of task '" + request.name() + "' cannot be written as JSON: " + ex.getOriginalMessage(),
					ex);
		}
	}

	private byte[] encode(TaskRequest request, String id, String queue, Instant now, ArrayNode args,
			@Nullable String uniqueKey, Map<String, String> headers) {
		// a request built without its builder keeps the same rules as the worker does
		TaskMessageRules.validId(id);
		TaskMessageRules.validName(request.name());
		TaskMessage message = new TaskMessage(id, request.name(), queue, args, 1, request.maxRetries(),
				(request.timeout() != null) ? request.timeout().toMillis() : null,
				(request.backoff() != null) ? request.backoff().toMillis() : null, now.toEpochMilli(),
				headers, request.priority(),
				(request.expiresAt() != null) ? request.expiresAt().toEpochMilli() : null, uniqueKey);
		byte[] payload = this.codec.encode(message);
		String tooLarge = TaskMessageRules.sizeProblem(payload.length, this.maxPayloadSize);
		if (tooLarge != null) {
			throw new PayloadTooLargeException("Task '" + request.name() + "' is " + tooLarge + "; it was not sent");
		}
		return payload;
	}

	private void forget(List<OutgoingTask> messages) {
		for (OutgoingTask message : messages) {
			try {
				this.backend.delete(message.id());
			}
			catch (RuntimeException ignored) {
				// the backend is away: with Redis, a PENDING record expires by itself (see
				// RedisResultBackend); a database is rarely away when Redis is
			}
		}
	}

	/**
	 * Record tasks in the backend; a backend that fails at once (a database that refuses the
	 * connection) fails the future rather than the caller's thread.
	 */
	private CompletableFuture<List<String>> record(List<NewTask> records) {
		try {
			return this.backend.create(records);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private TaskSendException notRecorded(List<TaskRequest> requests, Throwable ex) {
		if (this.backend.sharesStoreWithBroker()) {
			return unavailable(requests, ex);
		}
		String what = (requests.size() == 1) ? "task '" + requests.get(0).name() + "'" : requests.size() + " tasks";
		String reason = (ex instanceof DataAccessException dae) ? dae.getMostSpecificCause().getMessage()
				: ex.getMessage();
		return new TaskSendException("Could not record " + what + " in the result backend ("
				+ this.backend.getClass().getSimpleName() + ": " + reason + "); nothing was queued", ex);
	}

	private static TaskSendException unavailable(List<TaskRequest> requests, Throwable ex) {
		String what = (requests.size() == 1) ? "task '" + requests.get(0).name() + "'" : requests.size() + " tasks";
		String reason = (ex instanceof DataAccessException dae) ? dae.getMostSpecificCause().getMessage()
				: ex.getMessage();
		return new TaskSendException("Could not send " + what + ": Redis is unavailable (" + reason
				+ "); nothing was queued", ex);
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
	public Optional<TaskInfo> find(String id) {
		return this.backend.find(id);
	}

	@Override
	public <T> @Nullable T result(String id, Class<T> type) {
		return resultOf(info(id), type);
	}

	@Override
	public void repush(String id) {
		if (!(this.backend instanceof DurableResultBackend durableBackend)) {
			throw new GTaskException("Task " + id + " cannot be sent again: the result backend "
					+ this.backend.getClass().getSimpleName() + " does not keep task messages; use durable mode "
					+ "(gtask.durable.enabled=true with gtask.backend.type=jdbc or mongo)");
		}
		StoredTask stored = durableBackend.findStored(id).orElseThrow(() -> new TaskNotFoundException(id));
		if (stored.payload() == null) {
			throw new GTaskException("Task " + id + " was recorded without its message (sent before durable mode "
					+ "or by a periodic schedule) and cannot be sent again");
		}
		TaskMessage message = this.codec.decode(stored.payload());
		byte[] payload = this.codec.encode(message.withAttempt(1));
		this.backend.update(List.of(TaskStateChange.requeued(id, stored.name(), stored.queue(), this.clock.instant())));
		try {
			this.broker.enqueue(List.of(new OutgoingTask(stored.queue(), id, payload, null, message.priority(), null,
					null))).join();
		}
		catch (CompletionException ex) {
			throw unavailable(List.of(TaskRequest.of(stored.name()).build()), ex.getCause());
		}
		this.metrics.sent(stored.queue(), stored.name(), TaskOrigin.REPUSH);
		logger.info(() -> "Sent task '" + stored.name() + "' (" + id + ") again, by request; it was " + stored.status());
	}

	@Override
	public boolean revoke(String id) {
		TaskInfo info = info(id);
		if (!this.backend.revoke(id, this.clock.instant())) {
			return false;
		}
		this.queueAdmin.revoke(info.queue(), id, this.clock.instant());
		// in case a worker fetched it just before: it must not run to its end
		this.broker.requestCancellation(id);
		return true;
	}

	@Override
	public boolean cancel(String id) {
		if (revoke(id)) {
			return true;
		}
		TaskInfo info = info(id);
		if (info.isFinished()) {
			return false;
		}
		this.broker.requestCancellation(id);
		return true;
	}

	private <T> @Nullable T resultOf(TaskInfo info, Class<T> type) {
		if (info.status() == TaskStatus.FAILURE || info.status() == TaskStatus.REVOKED
				|| info.status() == TaskStatus.EXPIRED) {
			throw new TaskFailedException(info);
		}
		if (info.status() != TaskStatus.SUCCESS) {
			throw new TaskNotFinishedException(
					"Task '" + info.name() + "' (" + info.id() + ") has not finished; it is " + info.status());
		}
		if (info.result() == null) {
			return null;
		}
		try {
			return this.codec.getJsonMapper().readValue(info.result(), type);
		}
		catch (JacksonException ex) {
			throw new GTaskException("Result of task '" + info.name() + "' (" + info.id() + ") cannot be read as "
					+ type.getName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public TaskInfo awaitCompletion(String id, Duration timeout) {
		CompletableFuture<TaskInfo> future = whenFinished(id);
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			String state = find(id).map((info) -> "it is " + info.status()).orElse("it is no longer known");
			throw new TaskAwaitTimeoutException(
					"Task " + id + " did not finish within " + timeout.toMillis() + " ms; " + state, ex);
		}
		catch (InterruptedException ex) {
			future.cancel(false);
			Thread.currentThread().interrupt();
			throw new GTaskException("Interrupted while waiting for task " + id, ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new GTaskException("Waiting for task " + id + " failed", ex.getCause());
		}
	}

	@Override
	public <T> @Nullable T await(String id, Duration timeout, Class<T> type) {
		return resultOf(awaitCompletion(id, timeout), type);
	}

	@Override
	public CompletableFuture<TaskInfo> whenFinished(String id) {
		return this.backend.whenFinished(id);
	}

	@Override
	public <T> CompletableFuture<@Nullable T> resultAsync(String id, Class<T> type) {
		return whenFinished(id).thenApply((info) -> resultOf(info, type));
	}

}
