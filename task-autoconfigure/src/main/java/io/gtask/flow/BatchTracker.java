package io.gtask.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.gtask.backend.NewTask;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.BatchRequest;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskRevokedException;
import io.gtask.core.TaskStatus;
import io.gtask.metrics.TaskMetrics;
import io.gtask.metrics.TaskOrigin;
import io.gtask.send.TaskSender;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

/**
 * Runs batches with no coordinator: members are counted in the {@link BatchStore} when they are
 * added and when they end, and the member whose end leaves none pending in a sealed batch sends
 * the callbacks and records the batch's end.
 * <p>
 * As with flows, every step is safe to repeat: a member is counted once however often its end is
 * told, a callback is marked before it is sent and sent again after a crash only if its task was
 * never recorded, and the batch's record is written again on a repeat.
 */
public class BatchTracker {

	/**
	 * The header of a member's message that names its batch.
	 */
	public static final String HEADER = "gtask-batch";

	/**
	 * The name of a batch's record.
	 */
	public static final String RECORD_NAME = FlowAdvancer.RECORD_PREFIX + "batch";

	private static final LogAccessor logger = new LogAccessor(BatchTracker.class);

	private static final List<String> CALLBACK_FIELDS = List.of("cb:complete", "cb:success", "queue");

	private final BatchStore store;

	private final TaskSender sender;

	private final ResultBackend backend;

	private final TaskMessageCodec codec;

	private final FlowNodeCodec nodes;

	private final StepCanceller canceller;

	private final Duration resultTimeToLive;

	private Duration timeToLive = Duration.ofDays(7);

	private Clock clock = Clock.systemUTC();

	private TaskMetrics metrics = TaskMetrics.NONE;

	/**
	 * Create a tracker.
	 * @param store the state of batches
	 * @param sender sends members and callbacks
	 * @param backend records the batch itself as a task
	 * @param codec converts arguments
	 * @param canceller cancels the members of a cancelled batch
	 * @param resultTimeToLive how long the state of an ended batch is kept
	 */
	public BatchTracker(BatchStore store, TaskSender sender, ResultBackend backend, TaskMessageCodec codec,
			StepCanceller canceller, Duration resultTimeToLive) {
		this.store = store;
		this.sender = sender;
		this.backend = backend;
		this.codec = codec;
		this.nodes = new FlowNodeCodec(codec);
		this.canceller = canceller;
		this.resultTimeToLive = resultTimeToLive;
	}

	/**
	 * Set how long the state of a batch is kept while it runs; a batch must end within it.
	 * @param timeToLive the time (7 days by default)
	 */
	public void setTimeToLive(Duration timeToLive) {
		this.timeToLive = timeToLive;
	}

	public void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Count batches started and time those that end.
	 * @param metrics the metrics
	 */
	public void setMetrics(TaskMetrics metrics) {
		this.metrics = metrics;
	}

	/**
	 * Record a batch, send its first members, and seal it if asked.
	 * @param request the members and callbacks
	 * @param seal whether no more members come
	 * @return the batch id
	 */
	public String start(BatchRequest request, boolean seal) {
		String batchId = UUID.randomUUID().toString();
		TaskRequest first = !request.members().isEmpty() ? request.members().get(0)
				: (request.onComplete() != null) ? request.onComplete() : request.onSuccess();
		String queue = (first != null) ? this.sender.getRouter().queueOf(first.name(), first.queue())
				: this.sender.getRouter().queueOf(RECORD_NAME, null);
		Instant now = this.clock.instant();
		this.backend.create(List.of(new NewTask(batchId, RECORD_NAME, queue, now, true))).join();
		this.backend.update(List.of(TaskStateChange.started(batchId, RECORD_NAME, queue, now, 1)));
		this.store.create(batchId, queue, request.description(), false, callback(batchId, "complete", request.onComplete()),
				callback(batchId, "success", request.onSuccess()), now, this.timeToLive);
		this.metrics.flowStarted("batch");
		if (!request.members().isEmpty()) {
			add(batchId, request.members());
		}
		if (seal) {
			seal(batchId);
		}
		return batchId;
	}

	/**
	 * Add members to a batch that runs.
	 * @param batchId the batch id
	 * @param members the tasks, without ids
	 * @return their ids
	 */
	public List<String> add(String batchId, List<TaskRequest> members) {
		List<String> ids = new ArrayList<>(members.size());
		List<TaskRequest> requests = new ArrayList<>(members.size());
		for (TaskRequest member : members) {
			if (member.id() != null || member.uniqueKey() != null) {
				throw new IllegalArgumentException("Task '" + member.name() + "' of a batch must not name an id or a "
						+ "uniqueness key: the batch chooses the ids of its members and counts each once");
			}
			String id = UUID.randomUUID().toString();
			ids.add(id);
			requests.add(new TaskRequest(member.name(), member.args(), id, member.queue(), member.timeout(),
					member.maxRetries(), member.backoff(), member.eta(), member.priority(), member.expiresAt(), null, null,
					TaskRequest.OnDuplicate.FAIL, TaskRequest.InTransaction.DEFAULT, member.group()));
		}
		if (ids.isEmpty()) {
			return ids;
		}
		// counted before they are sent, so that a member that ends at once never ends the batch early
		if (this.store.add(batchId, ids) == null) {
			throw notRunning(batchId);
		}
		try {
			this.sender.sendChosen(requests, Collections.nCopies(requests.size(), Map.of(HEADER, batchId)),
					TaskOrigin.BATCH);
		}
		catch (RuntimeException ex) {
			notSent(batchId, ids, ex);
			throw ex;
		}
		return ids;
	}

	/**
	 * Seal a batch: no more members come.
	 * @param batchId the batch id
	 */
	public void seal(String batchId) {
		BatchStore.Standing standing = this.store.seal(batchId, this.clock.instant(), this.resultTimeToLive);
		if (standing == null) {
			throw new TaskNotFoundException(batchId);
		}
		if (standing.ended()) {
			ended(batchId, standing);
		}
	}

	/**
	 * Count the end of a member, and end its batch if it was the last. Called by the worker once
	 * the member's own state is written and before its delivery is acknowledged.
	 * @param batchId the value of the member's {@link #HEADER}
	 * @param change the final state of the member
	 * @throws FlowStateException if the batch's state in Redis is not valid
	 */
	public void finished(String batchId, TaskStateChange change) {
		if (!change.status().isFinished()) {
			return;
		}
		try {
			BatchStore.Standing standing = this.store.member(batchId, change.id(),
					change.status() == TaskStatus.SUCCESS, this.clock.instant(), this.resultTimeToLive);
			if (standing == null) {
				logger.debug(() -> "Batch " + batchId + " of task " + change.id() + " is no longer known");
				return;
			}
			if (standing.ended()) {
				ended(batchId, standing);
			}
		}
		catch (FlowStateException ex) {
			abort(batchId, ex);
			throw ex;
		}
	}

	/**
	 * End a batch whose state is not valid as FAILURE in its record, naming what is wrong.
	 */
	private void abort(String batchId, FlowStateException ex) {
		try {
			this.backend.find(batchId)
				.filter((info) -> !info.isFinished())
				.ifPresent((info) -> this.backend.update(List.of(TaskStateChange.failure(batchId, info.name(),
						info.queue(), this.clock.instant(), 1, TaskError.of(ex)))));
		}
		catch (RuntimeException failed) {
			logger.debug(failed, () -> "Could not record batch " + batchId + " as FAILURE");
		}
	}

	/**
	 * Cancel a batch that runs: it ends REVOKED, no callback is sent, and its members that have
	 * not ended are cancelled.
	 * @param batchId the batch id
	 * @return whether it was running
	 */
	public boolean cancel(String batchId) {
		Instant now = this.clock.instant();
		List<String> open = this.store.cancel(batchId, now, this.resultTimeToLive);
		if (open == null) {
			return false;
		}
		List<@Nullable String> fields = this.store.fields(batchId, List.of("queue", "created"));
		String queue = fields.get(0);
		this.metrics.flowFinished("batch", "REVOKED", Duration.between(createdAt(fields.get(1)), now).toNanos());
		this.backend.update(List.of(TaskStateChange.revoked(batchId, RECORD_NAME, (queue != null) ? queue : "", now, 1,
				TaskError.of(new TaskRevokedException("Batch " + batchId + " was cancelled on request")))));
		this.canceller.cancel(open);
		return true;
	}

	/**
	 * The batch ended: send its callbacks once and record its end.
	 */
	private void ended(String batchId, BatchStore.Standing standing) {
		List<@Nullable String> fields = this.store.fields(batchId, CALLBACK_FIELDS);
		String queue = (fields.get(2) != null) ? fields.get(2) : "";
		String input = this.codec.getJsonMapper().writeValueAsString(batchId);
		List<TaskRequest> callbacks = new ArrayList<>(2);
		List<String> kinds = List.of("complete", "success");
		for (int i = 0; i < 2; i++) {
			String text = fields.get(i);
			if (text == null || (i == 1 && !"SUCCESS".equals(standing.state()))) {
				continue;
			}
			FlowStep step = this.nodes.read("batch " + batchId, 0, text).step();
			if (step == null) {
				throw new FlowStateException("The " + kinds.get(i) + " callback of batch " + batchId + " is not a task");
			}
			if (this.store.beginCallback(batchId, kinds.get(i)) || this.backend.find(step.taskId()).isEmpty()) {
				callbacks.add(FlowRequests.request(step, input, this.codec.getJsonMapper()));
			}
		}
		if (!callbacks.isEmpty()) {
			this.sender.sendChosen(callbacks, Collections.nCopies(callbacks.size(), Map.of()), TaskOrigin.BATCH);
		}
		Instant now = this.clock.instant();
		if (standing.endedNow()) {
			this.metrics.flowFinished("batch", standing.state(), Duration.between(standing.createdAt(), now).toNanos());
		}
		String counts = "{\"total\":" + standing.total() + ",\"succeeded\":" + standing.succeeded() + ",\"failed\":"
				+ standing.failed() + "}";
		this.backend.update(List.of("SUCCESS".equals(standing.state())
				? TaskStateChange.success(batchId, RECORD_NAME, queue, now, 1, counts)
				: TaskStateChange.failure(batchId, RECORD_NAME, queue, now, 1, new TaskError(GTaskException.class.getName(),
						standing.failed() + " of " + standing.total() + " members of batch " + batchId + " failed"))));
	}

	/**
	 * Count the members a failed send did not record as failed, so that the batch can end.
	 */
	private void notSent(String batchId, List<String> ids, RuntimeException ex) {
		for (String id : ids) {
			try {
				if (this.backend.find(id).isEmpty()) {
					BatchStore.Standing standing = this.store.member(batchId, id, false, this.clock.instant(),
							this.resultTimeToLive);
					if (standing != null && standing.ended()) {
						ended(batchId, standing);
					}
				}
			}
			catch (RuntimeException failed) {
				logger.warn(failed, () -> "Could not count member " + id + " of batch " + batchId + ", which was not sent ("
						+ ex.getMessage() + "); the batch waits for it");
			}
		}
	}

	private @Nullable String callback(String batchId, String kind, @Nullable TaskRequest request) {
		if (request == null) {
			return null;
		}
		FlowStep step = FlowPlan.step(batchId + "." + kind, request, false, this.codec);
		return this.nodes.write(new FlowNode(0, FlowNode.Kind.STEP, -1, null, 0, 0, -1, List.of(), false, false, step));
	}

	private static Instant createdAt(@Nullable String millis) {
		try {
			return (millis != null) ? Instant.ofEpochMilli(Long.parseLong(millis)) : Instant.EPOCH;
		}
		catch (NumberFormatException | java.time.DateTimeException ex) {
			return Instant.EPOCH;
		}
	}

	private RuntimeException notRunning(String batchId) {
		List<@Nullable String> state = this.store.fields(batchId, List.of("state"));
		if (state.get(0) == null) {
			return new TaskNotFoundException(batchId);
		}
		return new GTaskException("Batch " + batchId + " is " + state.get(0) + "; no member can be added to it");
	}

}
