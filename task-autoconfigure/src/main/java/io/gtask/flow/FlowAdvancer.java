package io.gtask.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.gtask.core.TaskFlow;
import io.gtask.backend.NewTask;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.DuplicateTaskException;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.PayloadTooLargeException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskRevokedException;
import io.gtask.core.TaskStatus;
import io.gtask.crypto.PayloadCipher;
import io.gtask.crypto.PayloadDecryptionException;
import io.gtask.metrics.TaskMetrics;
import io.gtask.metrics.TaskOrigin;
import io.gtask.send.TaskSender;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs flows with no coordinator: a flow is started by laying it out in its {@link FlowStore}
 * and sending its first steps; afterwards the worker that records the end of a step calls
 * {@link #finished(String, TaskStateChange)}, which records it in the flow and sends what comes
 * next, or ends the flow.
 * <p>
 * Every step of that is safe to repeat, so that a worker killed half way is made good by the
 * next delivery of the same step: the first outcome recorded for a node stands, a group counts a
 * member once, steps are marked sent before they are sent and sent again after a crash only if
 * their task was never recorded, and a flow ends once.
 */
public class FlowAdvancer {

	/**
	 * The header of a step's message that names its flow and node: {@code <flow id>#<node id>}.
	 */
	public static final String HEADER = "gtask-flow";

	/**
	 * Names of the records of flows start with this; they are not tasks a handler runs.
	 */
	public static final String RECORD_PREFIX = "gtask.";

	private static final LogAccessor logger = new LogAccessor(FlowAdvancer.class);

	private static final String ENCRYPTED_SUCCESS = "S" + PayloadCipher.PREFIX;

	private final FlowStore store;

	private final TaskSender sender;

	private final ResultBackend backend;

	private final TaskMessageCodec codec;

	private final JsonMapper mapper;

	private final FlowNodeCodec nodes;

	private final StepCanceller canceller;

	private final Duration resultTimeToLive;

	private Duration timeToLive = Duration.ofDays(7);

	private Clock clock = Clock.systemUTC();

	private TaskMetrics metrics = TaskMetrics.NONE;

	/**
	 * Create an advancer.
	 * @param store the state of flows
	 * @param sender sends the steps
	 * @param backend records the flow itself as a task
	 * @param codec converts arguments and results
	 * @param canceller cancels the steps of a cancelled flow
	 * @param resultTimeToLive how long the state of an ended flow is kept, as results are
	 */
	public FlowAdvancer(FlowStore store, TaskSender sender, ResultBackend backend, TaskMessageCodec codec,
			StepCanceller canceller, Duration resultTimeToLive) {
		this.store = store;
		this.sender = sender;
		this.backend = backend;
		this.codec = codec;
		this.mapper = codec.getJsonMapper();
		this.nodes = new FlowNodeCodec(codec);
		this.canceller = canceller;
		this.resultTimeToLive = resultTimeToLive;
	}

	/**
	 * Set how long the state of a flow is kept while it runs; a flow must end within it.
	 * @param timeToLive the time (7 days by default)
	 */
	public void setTimeToLive(Duration timeToLive) {
		this.timeToLive = timeToLive;
	}

	public void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Count flows started and time those that end.
	 * @param metrics the metrics
	 */
	public void setMetrics(TaskMetrics metrics) {
		this.metrics = metrics;
	}

	/**
	 * Start a flow: record it, lay it out and send its first steps.
	 * @param flow the flow
	 * @return the flow's id, a task id
	 */
	public String start(TaskFlow flow) {
		return start(java.util.UUID.randomUUID().toString(), flow);
	}

	/**
	 * Start a flow under a chosen id, once: if a flow was started under that id already, only
	 * what its start left unsent (its worker died half way) is sent, as that flow lays it out.
	 * @param flowId the id
	 * @param flow the flow
	 * @return the id
	 */
	public String start(String flowId, TaskFlow flow) {
		TaskMessageRules.validId(flowId);
		List<FlowNode> planned = FlowPlan.of(flowId, flow, this.codec);
		FlowNode root = planned.get(0);
		FlowStep first = firstStep(planned);
		String name = RECORD_PREFIX + root.label();
		String queue = this.sender.getRouter().queueOf(first.name(), first.queue());
		Instant now = this.clock.instant();
		List<String> texts = new ArrayList<>(planned.size());
		Map<Integer, Integer> groups = new HashMap<>();
		for (FlowNode node : planned) {
			texts.add(this.nodes.write(node));
			if (node.kind() == FlowNode.Kind.GROUP) {
				groups.put(node.id(), node.children().size());
			}
		}
		// refused when the id is known: a start made again, or a task of another kind
		if (!this.backend.create(List.of(new NewTask(flowId, name, queue, now, true))).join().isEmpty()) {
			String known = this.backend.find(flowId).map(io.gtask.core.TaskInfo::name).orElse(name);
			if (!known.startsWith(RECORD_PREFIX) || known.equals(BatchTracker.RECORD_NAME)) {
				throw new DuplicateTaskException("Task id '" + flowId + "' is in use by task '" + known
						+ "'; a flow cannot be started under it", flowId);
			}
		}
		FlowNodes loader = new FlowNodes(this.store, this.nodes, flowId);
		if (this.store.create(flowId, name, queue, texts, groups, now, this.timeToLive)) {
			this.backend.update(List.of(TaskStateChange.started(flowId, name, queue, now, 1)));
			this.metrics.flowStarted(root.label());
			planned.forEach(loader::put);
		}
		begin(flowId, loader.get(0), null, loader);
		return flowId;
	}

	/**
	 * Record the end of a step and go on with its flow. Called by the worker once the step's
	 * own state is written and before its delivery is acknowledged, so that a worker that dies
	 * in between leaves a delivery that comes again and calls this again.
	 * @param reference the value of the step's {@link #HEADER}
	 * @param change the final state of the step's task
	 * @throws FlowStateException if the flow's state in Redis is not valid; the flow is ended
	 * as FAILURE first, if it can be
	 * @throws org.springframework.dao.DataAccessException if Redis failed; calling again is safe
	 */
	public void finished(String reference, TaskStateChange change) {
		if (!change.status().isFinished()) {
			return;
		}
		int split = reference.lastIndexOf('#');
		int node = -1;
		try {
			node = (split > 0) ? Integer.parseInt(reference.substring(split + 1)) : -1;
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		if (node < 0 || node > FlowNodeCodec.MAX_NODES) {
			logger.warn(() -> "Task " + change.id() + " names a flow step '" + reference
					+ "' that is not one gtask writes; no flow goes on from it");
			return;
		}
		String flowId = reference.substring(0, split);
		FlowOutcome outcome = (change.status() == TaskStatus.SUCCESS) ? succeeded(change)
				: FlowOutcome.failed(stepError(change));
		try {
			FlowNodes loader = new FlowNodes(this.store, this.nodes, flowId);
			FlowNode step = loader.find(node);
			if (step == null) {
				logger.debug(() -> "Flow " + flowId + " of task " + change.id() + " is no longer known");
				return;
			}
			complete(flowId, step, outcome, loader);
		}
		catch (FlowStateException ex) {
			abort(flowId, ex);
			throw ex;
		}
		catch (PayloadTooLargeException | MalformedTaskMessageException | PayloadDecryptionException
				| IllegalArgumentException ex) {
			// the next step cannot be sent as it is, now or later: a result too large to pass on
			FlowStateException stopped = new FlowStateException("Flow " + flowId + " cannot go on after task "
					+ change.id() + ": " + ex.getMessage(), ex);
			abort(flowId, stopped);
			throw stopped;
		}
	}

	/**
	 * An outcome as the flow's hash keeps it: its result encrypted, bound to the flow, when the
	 * codec encrypts; the error of a failure stays plain, as a task's does.
	 */
	private String kept(String flowId, FlowOutcome outcome) {
		if (outcome.success() && outcome.result() != null && this.codec.isEncrypting()) {
			return "S" + this.codec.writeResultJson(flowId, outcome.result());
		}
		return outcome.write(this.mapper);
	}

	/**
	 * An outcome the flow's hash keeps, with its result decrypted if it was encrypted.
	 * @throws PayloadDecryptionException if it cannot be decrypted
	 */
	private String readable(String flowId, String text) {
		return (text.startsWith(ENCRYPTED_SUCCESS)) ? "S" + this.codec.readResult(flowId, text.substring(1)) : text;
	}

	private List<@Nullable String> readable(String flowId, List<@Nullable String> texts) {
		List<@Nullable String> readable = new ArrayList<>(texts.size());
		for (String text : texts) {
			readable.add((text != null) ? readable(flowId, text) : null);
		}
		return readable;
	}

	/**
	 * The outcome of a step that succeeded, with its result as the codec reads it: a result that
	 * cannot be decrypted fails the step.
	 */
	private FlowOutcome succeeded(TaskStateChange change) {
		try {
			return FlowOutcome.succeeded(this.codec.readResult(change.id(), change.result()));
		}
		catch (PayloadDecryptionException ex) {
			return FlowOutcome.failed(TaskError.of(ex));
		}
	}

	/**
	 * Cancel a running flow: it ends REVOKED, nothing more of it is sent, and its steps that
	 * were sent are revoked, or cancelled if they run.
	 * @param flowId the flow id
	 * @return whether the flow was running
	 */
	public boolean cancel(String flowId) {
		TaskRevokedException ex = new TaskRevokedException("Flow " + flowId + " was cancelled on request");
		FlowStore.Ended ended = end(flowId, TaskStatus.REVOKED, FlowOutcome.failed(TaskError.of(ex)));
		if (ended == null || !ended.now()) {
			return false;
		}
		List<String> sent = new ArrayList<>();
		for (String field : this.store.read(flowId).keySet()) {
			if (field.startsWith("s:")) {
				try {
					sent.add(FlowPlan.taskId(flowId, Integer.parseInt(field.substring(2))));
				}
				catch (NumberFormatException notStep) {
					// not a field gtask writes: nothing was sent for it
				}
			}
		}
		this.canceller.cancel(sent);
		return true;
	}

	private void complete(String flowId, FlowNode finished, FlowOutcome outcome, FlowNodes loader) {
		FlowNode node = finished;
		FlowOutcome current = outcome;
		while (!node.isRoot()) {
			if (node.parentKind() == FlowNode.Kind.GROUP) {
				FlowStore.MemberCount count = this.store.member(flowId, node.parent(), node.position(),
						node.parentSize(), kept(flowId, current));
				if (count == null || count.left() > 0) {
					return;
				}
				FlowNode group = loader.get(node.parent());
				current = GroupOutcome.of(flowId, group, readable(flowId, count.outcomes()), loader, this.mapper);
				node = group;
				continue;
			}
			String recorded = this.store.record(flowId, node.id(), kept(flowId, current));
			if (recorded == null) {
				return;
			}
			current = FlowOutcome.read(this.mapper, flowId, readable(flowId, recorded));
			if (current.success() && node.next() >= 0) {
				begin(flowId, loader.get(node.next()), current.result(), loader);
				return;
			}
			FlowNode chain = loader.get(node.parent());
			if (!current.success()) {
				current = FlowOutcome.failed(new TaskError(current.error().type(), "Link " + (node.position() + 1)
						+ " of " + node.parentSize() + " of the " + chain.label() + " failed: " + current.error().message()));
			}
			node = chain;
		}
		end(flowId, current.success() ? TaskStatus.SUCCESS : TaskStatus.FAILURE, current);
	}

	/**
	 * Send the steps that start a node, given the result of the node before it.
	 */
	private void begin(String flowId, FlowNode node, @Nullable String input, FlowNodes loader) {
		List<FlowNode> steps = new ArrayList<>();
		collectSteps(node, loader, steps);
		List<Integer> ids = steps.stream().map(FlowNode::id).toList();
		List<Boolean> first = this.store.begin(flowId, ids);
		if (first == null) {
			logger.debug(() -> "Flow " + flowId + " no longer runs; not sending node " + node.id());
			return;
		}
		List<io.gtask.core.TaskRequest> requests = new ArrayList<>(steps.size());
		List<Map<String, String>> headers = new ArrayList<>(steps.size());
		for (int i = 0; i < steps.size(); i++) {
			FlowStep step = steps.get(i).step();
			// marked before: a delivery of the step before was made again after its worker died
			if (!first.get(i) && this.backend.find(step.taskId()).isPresent()) {
				continue;
			}
			requests.add(FlowRequests.request(step, input, this.mapper));
			headers.add(Map.of(HEADER, flowId + "#" + steps.get(i).id()));
		}
		if (requests.isEmpty()) {
			return;
		}
		this.sender.sendChosen(requests, headers, TaskOrigin.FLOW);
		if (!this.store.isRunning(flowId)) {
			// cancelled while these were sent, after its steps were revoked
			this.canceller.cancel(requests.stream().map(io.gtask.core.TaskRequest::id).toList());
		}
	}

	private void collectSteps(FlowNode node, FlowNodes loader, List<FlowNode> steps) {
		switch (node.kind()) {
			case STEP -> steps.add(node);
			case CHAIN -> collectSteps(loader.get(node.children().get(0)), loader, steps);
			case GROUP -> {
				loader.load(node.children());
				for (int child : node.children()) {
					collectSteps(loader.get(child), loader, steps);
				}
			}
		}
	}

	/**
	 * End a flow once: its state in the store, then its record.
	 * @return how it ended, {@code null} if it had ended otherwise before
	 */
	private FlowStore.@Nullable Ended end(String flowId, TaskStatus status, FlowOutcome outcome) {
		Instant now = this.clock.instant();
		FlowStore.Ended ended = this.store.finish(flowId, status.name(), kept(flowId, outcome), now,
				this.resultTimeToLive);
		if (ended == null) {
			return null;
		}
		String name = ended.name();
		String queue = ended.queue();
		TaskStateChange change = switch (status) {
			case SUCCESS -> TaskStateChange.success(flowId, name, queue, now, 1,
					(outcome.result() != null) ? this.codec.writeResultJson(flowId, outcome.result()) : null);
			case REVOKED -> TaskStateChange.revoked(flowId, name, queue, now, 1, outcome.error());
			default -> TaskStateChange.failure(flowId, name, queue, now, 1, outcome.error());
		};
		// written again on a repeat: the worker that ended it may have died before it wrote this
		this.backend.update(List.of(change));
		if (ended.now()) {
			this.metrics.flowFinished(name.substring(Math.min(name.length(), RECORD_PREFIX.length())), status.name(),
					java.time.Duration.between(ended.createdAt(), now).toNanos());
		}
		return ended;
	}

	/**
	 * End a flow whose state is not valid as FAILURE, naming what is wrong.
	 */
	private void abort(String flowId, RuntimeException ex) {
		logger.warn(() -> "Flow " + flowId + " cannot go on: " + ex.getMessage());
		TaskError error = TaskError.of(ex);
		try {
			end(flowId, TaskStatus.FAILURE, FlowOutcome.failed(error));
			return;
		}
		catch (RuntimeException failed) {
			logger.debug(failed, () -> "Could not end flow " + flowId + " as FAILURE in its own state");
		}
		try {
			// its own state cannot be written: its record tells the failure
			this.backend.find(flowId)
				.filter((info) -> !info.isFinished())
				.ifPresent((info) -> this.backend.update(List.of(TaskStateChange.failure(flowId, info.name(),
						info.queue(), this.clock.instant(), 1, error))));
		}
		catch (RuntimeException failed) {
			logger.debug(failed, () -> "Could not record flow " + flowId + " as FAILURE");
		}
	}

	private static TaskError stepError(TaskStateChange change) {
		TaskError error = change.error();
		String message = (error != null) ? error.message() : "no error recorded";
		return new TaskError((error != null) ? error.type() : TaskStatus.class.getName(),
				"task '" + change.name() + "' (" + change.id() + ") ended " + change.status() + ": " + message);
	}

	private static FlowStep firstStep(List<FlowNode> planned) {
		for (FlowNode node : planned) {
			if (node.step() != null) {
				return node.step();
			}
		}
		throw new IllegalStateException("A flow without a step");
	}

}
