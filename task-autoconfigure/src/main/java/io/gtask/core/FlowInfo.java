package io.gtask.core;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A flow and its nodes, as kept while it runs and for the result time to live after it ended.
 *
 * @param id the flow id, also the id of its record as a task
 * @param kind {@code chain}, {@code group}, {@code chord} or {@code step}
 * @param status {@link TaskStatus#STARTED} while it runs, then {@link TaskStatus#SUCCESS},
 * {@link TaskStatus#FAILURE} or {@link TaskStatus#REVOKED}
 * @param createdAt when it was started
 * @param finishedAt when it ended
 * @param nodes its nodes, the root first, in the order of a depth-first walk
 */
public record FlowInfo(String id, String kind, TaskStatus status, Instant createdAt, @Nullable Instant finishedAt,
		List<Node> nodes) {

	/**
	 * Create a flow's view.
	 */
	public FlowInfo {
		nodes = List.copyOf(nodes);
	}

	/**
	 * The steps of the flow, the nodes that run a task.
	 * @return the steps, in order
	 */
	public List<Node> steps() {
		return this.nodes.stream().filter((node) -> node.taskId() != null).toList();
	}

	/**
	 * One node of a flow.
	 *
	 * @param id the node id, 0 for the root
	 * @param kind {@code step}, {@code chain}, {@code group} or {@code chord}
	 * @param parent the id of the parent node, -1 for the root
	 * @param position its place among its parent's children
	 * @param taskId the id of the task of a step
	 * @param name the name of the task of a step
	 * @param status how far it got as the flow knows it: {@code null} before it started,
	 * {@link TaskStatus#PENDING} once a step was sent (its task tells more), then
	 * {@link TaskStatus#SUCCESS} or {@link TaskStatus#FAILURE}
	 */
	public record Node(int id, String kind, int parent, int position, @Nullable String taskId, @Nullable String name,
			@Nullable TaskStatus status) {

	}

}
