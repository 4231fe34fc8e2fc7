package io.gtask.flow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.gtask.core.FlowInfo;
import io.gtask.core.TaskFlow;
import io.gtask.core.TaskFlows;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;

/**
 * {@link TaskFlows} on a {@link FlowAdvancer}, which starts and cancels flows, and the
 * {@link FlowStore} it keeps them in, which is read to show a flow.
 */
public class DefaultTaskFlows implements TaskFlows {

	private final FlowAdvancer advancer;

	private final FlowStore store;

	private final FlowNodeCodec nodes;

	/**
	 * Create an instance.
	 * @param advancer starts and cancels flows
	 * @param store where flows are kept
	 * @param codec reads what is kept
	 */
	public DefaultTaskFlows(FlowAdvancer advancer, FlowStore store, TaskMessageCodec codec) {
		this.advancer = advancer;
		this.store = store;
		this.nodes = new FlowNodeCodec(codec);
	}

	@Override
	public String start(TaskFlow flow) {
		return this.advancer.start(flow);
	}

	@Override
	public String start(String id, TaskFlow flow) {
		return this.advancer.start(id, flow);
	}

	@Override
	public FlowInfo info(String id) {
		return find(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	@Override
	public Optional<FlowInfo> find(String id) {
		Map<String, String> fields = this.store.read(id);
		if (fields.isEmpty()) {
			return Optional.empty();
		}
		int count = 0;
		while (fields.containsKey("d:" + count)) {
			count++;
		}
		if (count == 0) {
			throw new FlowStateException("Flow " + id + " has no nodes");
		}
		List<FlowNode> read = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			read.add(this.nodes.read(id, i, fields.get("d:" + i)));
		}
		List<FlowInfo.Node> nodes = new ArrayList<>(count);
		for (FlowNode node : read) {
			FlowStep step = node.step();
			nodes.add(new FlowInfo.Node(node.id(), node.label(), node.parent(), node.position(),
					(step != null) ? step.taskId() : null, (step != null) ? step.name() : null, status(fields, node)));
		}
		return Optional.of(new FlowInfo(id, read.get(0).label(), flowStatus(id, fields.get("state")),
				instant(fields.get("created")), optionalInstant(fields.get("finished")), nodes));
	}

	@Override
	public boolean cancel(String id) {
		return this.advancer.cancel(id);
	}

	private static @Nullable TaskStatus status(Map<String, String> fields, FlowNode node) {
		String outcome = (node.parentKind() == FlowNode.Kind.GROUP)
				? fields.get("m:" + node.parent() + ":" + node.position()) : fields.get("o:" + node.id());
		if (outcome != null) {
			return outcome.startsWith("S") ? TaskStatus.SUCCESS : TaskStatus.FAILURE;
		}
		if (node.isRoot() && !"RUNNING".equals(fields.get("state"))) {
			return flowStatus("", fields.get("state"));
		}
		return fields.containsKey("s:" + node.id()) ? TaskStatus.PENDING : null;
	}

	private static TaskStatus flowStatus(String id, @Nullable String state) {
		if ("RUNNING".equals(state)) {
			return TaskStatus.STARTED;
		}
		for (TaskStatus status : List.of(TaskStatus.SUCCESS, TaskStatus.FAILURE, TaskStatus.REVOKED)) {
			if (status.name().equals(state)) {
				return status;
			}
		}
		throw new FlowStateException("Flow " + id + " has a state '" + state + "' that is not one gtask writes");
	}

	private static Instant instant(@Nullable String millis) {
		Instant instant = optionalInstant(millis);
		return (instant != null) ? instant : Instant.EPOCH;
	}

	private static @Nullable Instant optionalInstant(@Nullable String millis) {
		if (millis == null) {
			return null;
		}
		try {
			return Instant.ofEpochMilli(Long.parseLong(millis));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
