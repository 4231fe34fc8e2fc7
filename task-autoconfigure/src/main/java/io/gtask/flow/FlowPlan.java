package io.gtask.flow;

import java.util.ArrayList;
import java.util.List;

import io.gtask.core.TaskFlow;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskRequest;
import org.jspecify.annotations.Nullable;

/**
 * Lays a {@link TaskFlow} out as the {@link FlowNode}s stored for it: a depth-first walk that
 * numbers the nodes, gives each step its task id, and turns a chord into a chain of its group
 * and its callback.
 */
final class FlowPlan {

	private final String flowId;

	private final TaskMessageCodec codec;

	private final List<@Nullable FlowNode> nodes = new ArrayList<>();

	private FlowPlan(String flowId, TaskMessageCodec codec) {
		this.flowId = flowId;
		this.codec = codec;
	}

	/**
	 * Lay out a flow.
	 * @param flowId the id of the flow
	 * @param flow the flow
	 * @param codec converts the arguments of the steps to JSON
	 * @return the nodes, indexed by id, the root first
	 * @throws IllegalArgumentException if an argument cannot be written as JSON or a task id
	 * would be too long
	 */
	static List<FlowNode> of(String flowId, TaskFlow flow, TaskMessageCodec codec) {
		FlowPlan plan = new FlowPlan(flowId, codec);
		plan.add(flow, -1, null, 0, 0, -1);
		List<FlowNode> nodes = new ArrayList<>(plan.nodes.size());
		for (FlowNode node : plan.nodes) {
			nodes.add(node);
		}
		return nodes;
	}

	/**
	 * The task id of the step with the given node id in a flow.
	 */
	static String taskId(String flowId, int node) {
		return flowId + "." + node;
	}

	private int add(TaskFlow flow, int parent, FlowNode.@Nullable Kind parentKind, int position, int parentSize,
			int next) {
		int id = this.nodes.size();
		this.nodes.add(null);
		FlowNode node;
		if (flow instanceof TaskFlow.Step step) {
			node = new FlowNode(id, FlowNode.Kind.STEP, parent, parentKind, position, parentSize, next, List.of(), false,
					false, step(id, step));
		}
		else if (flow instanceof TaskFlow.Chain chain) {
			node = composite(id, FlowNode.Kind.CHAIN, chain.links(), parent, parentKind, position, parentSize, next);
		}
		else if (flow instanceof TaskFlow.Group group) {
			node = composite(id, FlowNode.Kind.GROUP, group.members(), parent, parentKind, position, parentSize, next);
		}
		else {
			node = chord(id, (TaskFlow.Chord) flow, parent, parentKind, position, parentSize, next);
		}
		this.nodes.set(id, node);
		return id;
	}

	private FlowNode composite(int id, FlowNode.Kind kind, List<TaskFlow> members, int parent,
			FlowNode.@Nullable Kind parentKind, int position, int parentSize, int next) {
		List<Integer> children = new ArrayList<>(members.size());
		// a link's next is known once the link after it is numbered: the links are laid out first to last
		int[] ids = new int[members.size()];
		for (int i = 0; i < members.size(); i++) {
			ids[i] = add(members.get(i), id, kind, i, members.size(), -1);
			children.add(ids[i]);
		}
		if (kind == FlowNode.Kind.CHAIN) {
			for (int i = 0; i + 1 < ids.length; i++) {
				FlowNode link = this.nodes.get(ids[i]);
				this.nodes.set(ids[i], new FlowNode(link.id(), link.kind(), link.parent(), link.parentKind(),
						link.position(), link.parentSize(), ids[i + 1], link.children(), link.tolerant(), link.chord(),
						link.step()));
			}
		}
		return new FlowNode(id, kind, parent, parentKind, position, parentSize, next, children, false, false, null);
	}

	private FlowNode chord(int id, TaskFlow.Chord chord, int parent, FlowNode.@Nullable Kind parentKind, int position,
			int parentSize, int next) {
		int group = this.nodes.size();
		this.nodes.add(null);
		List<Integer> members = new ArrayList<>();
		List<TaskFlow> header = chord.header().members();
		for (int i = 0; i < header.size(); i++) {
			members.add(add(header.get(i), group, FlowNode.Kind.GROUP, i, header.size(), -1));
		}
		int callback = add(chord.callback(), id, FlowNode.Kind.CHAIN, 1, 2, -1);
		this.nodes.set(group, new FlowNode(group, FlowNode.Kind.GROUP, id, FlowNode.Kind.CHAIN, 0, 2, callback, members,
				chord.onMemberFailure() == TaskFlow.MemberFailure.CALL_WITH_ERRORS, false, null));
		return new FlowNode(id, FlowNode.Kind.CHAIN, parent, parentKind, position, parentSize, next,
				List.of(group, callback), false, true, null);
	}

	private FlowStep step(int id, TaskFlow.Step step) {
		return step(TaskMessageRules.validId(taskId(this.flowId, id)), step.request(), step.withoutInput(), this.codec);
	}

	/**
	 * The step that sends a request as a task of the given id.
	 */
	static FlowStep step(String taskId, TaskRequest request, boolean withoutInput, TaskMessageCodec codec) {
		return new FlowStep(taskId, request.name(), codec.toArgs(request.args()), withoutInput,
				request.queue(), millis(request.timeout()), request.maxRetries(), millis(request.backoff()),
				(request.eta() != null) ? request.eta().toEpochMilli() : null, request.priority(),
				(request.expiresAt() != null) ? request.expiresAt().toEpochMilli() : null, request.group());
	}

	private static @Nullable Long millis(java.time.@Nullable Duration duration) {
		return (duration != null) ? duration.toMillis() : null;
	}

}
