package io.gtask.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where the state of flows lives: the nodes of each flow, which steps were sent, how each node
 * ended, and the counters of its groups. Every method is atomic on one flow, so that the worker
 * that finishes a step can decide alone, and exactly once, what comes next.
 * <p>
 * Values are the texts gtask wrote; they are read back as untrusted input by the caller.
 */
public interface FlowStore {

	/**
	 * Record a new flow, running, unless a flow is recorded under its id already.
	 * @param flowId the flow id
	 * @param name the name its record has (a chain, a group, a chord, a step)
	 * @param queue the queue its record names
	 * @param nodes the nodes as text, by id
	 * @param groups the size of each group, by node id
	 * @param createdAt when it was started
	 * @param timeToLive how long its state is kept while it runs
	 * @return whether it was recorded now
	 */
	boolean create(String flowId, String name, String queue, List<String> nodes, Map<Integer, Integer> groups,
			Instant createdAt, Duration timeToLive);

	/**
	 * Read nodes of a flow.
	 * @param flowId the flow id
	 * @param ids the node ids
	 * @return the nodes as text, {@code null} where there is none
	 */
	List<@Nullable String> nodes(String flowId, List<Integer> ids);

	/**
	 * Mark steps as sent, unless the flow ended or was cancelled.
	 * @param flowId the flow id
	 * @param ids the node ids of the steps
	 * @return for each step whether it is marked now for the first time, or {@code null} if the
	 * flow no longer runs (or is unknown)
	 */
	@Nullable List<Boolean> begin(String flowId, List<Integer> ids);

	/**
	 * Whether a flow still runs.
	 * @param flowId the flow id
	 * @return {@code false} once it ended, was cancelled or is unknown
	 */
	boolean isRunning(String flowId);

	/**
	 * Record how a node whose parent is a chain (or the root) ended, unless it was recorded
	 * already.
	 * @param flowId the flow id
	 * @param node the node id
	 * @param outcome the outcome as text
	 * @return the outcome recorded first, or {@code null} if the flow is unknown
	 */
	@Nullable String record(String flowId, int node, String outcome);

	/**
	 * Record how a member of a group ended, unless it was recorded already, and count it.
	 * @param flowId the flow id
	 * @param group the node id of the group
	 * @param position the member's place in the group
	 * @param size the number of members
	 * @param outcome the outcome as text
	 * @return how many members are left, and the outcomes of all, in order, once none is; or
	 * {@code null} if the flow is unknown
	 */
	@Nullable MemberCount member(String flowId, int group, int position, int size, String outcome);

	/**
	 * End a flow, if it still runs, and keep its state for the given time from now. Ending it
	 * again in the same state is a repeat, which tells the same as the first time.
	 * @param flowId the flow id
	 * @param status the final state
	 * @param outcome the outcome of the root as text
	 * @param finishedAt when it ended
	 * @param timeToLive how long its state is kept
	 * @return the name and queue of its record, and whether this call ended it; {@code null} if
	 * it had ended otherwise or is unknown
	 */
	@Nullable Ended finish(String flowId, String status, String outcome, Instant finishedAt,
			Duration timeToLive);

	/**
	 * Read everything kept of a flow.
	 * @param flowId the flow id
	 * @return its fields, empty if it is unknown
	 */
	Map<String, String> read(String flowId);

	/**
	 * A flow that ended.
	 *
	 * @param name the name of its record
	 * @param queue the queue of its record
	 * @param now whether this call ended it, rather than an earlier one
	 * @param createdAt when it was started
	 */
	record Ended(String name, String queue, boolean now, Instant createdAt) {

	}

	/**
	 * The count of a group after one of its members ended.
	 *
	 * @param left the members that have not ended
	 * @param outcomes the outcomes of the members, in order, once none is left (empty before)
	 */
	record MemberCount(long left, List<@Nullable String> outcomes) {

		/**
		 * Create a count.
		 */
		public MemberCount {
			outcomes = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(outcomes));
		}

	}

}
