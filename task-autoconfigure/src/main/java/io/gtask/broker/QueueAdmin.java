package io.gtask.broker;

import java.time.Instant;
import java.util.List;

import io.gtask.core.KeyTypeProblem;
import io.gtask.core.QueueInfo;
import org.jspecify.annotations.Nullable;

/**
 * Steering and reading the queues of a {@link TaskBroker}: pause, revoke, counts and the
 * messages that wait. Behind {@link io.gtask.core.TaskQueues} and a task's revocation; never on
 * the path of a task through a worker.
 */
public interface QueueAdmin {

	/**
	 * Pause or resume a queue for every consumer.
	 * @param queue the queue
	 * @param paused whether to pause
	 */
	void setPaused(String queue, boolean paused);

	/**
	 * Whether a queue is paused.
	 * @param queue the queue
	 * @return {@code true} if paused
	 */
	boolean isPaused(String queue);

	/**
	 * Make sure that a queued task never runs: a consumer that fetches it drops it.
	 * @param queue the queue
	 * @param taskId the task id
	 * @param at when it was revoked
	 */
	void revoke(String queue, String taskId, Instant at);

	/**
	 * Count what a queue holds.
	 * @param queue the queue
	 * @param now the current time
	 * @return the counts
	 */
	QueueInfo inspect(String queue, Instant now);

	/**
	 * The pending message that consumers will fetch first or last.
	 * @param queue the queue
	 * @param first {@code true} for the first, {@code false} for the last
	 * @return the message, or {@code null} if none is pending
	 */
	@Nullable Delivery peek(String queue, boolean first);

	/**
	 * Messages waiting in the delayed set of a queue, soonest due first.
	 * @param queue the queue
	 * @param offset how many to skip
	 * @param limit the most to return
	 * @return the messages with their due times
	 */
	List<DelayedEntry> delayed(String queue, int offset, int limit);

	/**
	 * The deliveries of a queue that workers hold now.
	 * @param queue the queue
	 * @param limit the most returned
	 * @return the deliveries, none if the broker cannot tell
	 */
	default List<HeldDelivery> held(String queue, int limit) {
		return List.of();
	}

	/**
	 * Look for keys of a queue that hold a value of another type than the broker keeps there.
	 * @param queue the queue
	 * @return the keys of the wrong type, none for a broker that cannot tell
	 */
	default List<KeyTypeProblem> keyProblems(String queue) {
		return List.of();
	}

}
