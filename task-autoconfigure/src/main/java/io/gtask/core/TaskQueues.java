package io.gtask.core;

import java.util.List;
import java.util.Optional;

/**
 * Inspects and steers queues, for all instances that share the broker at once.
 */
public interface TaskQueues {

	/**
	 * Count what a queue holds and list the workers consuming it.
	 * @param queue the queue
	 * @return the snapshot
	 */
	QueueInfo info(String queue);

	/**
	 * Look for keys of a queue that hold a value of another Redis type than gtask keeps there,
	 * written by something else: what needs such a key is held up until it is deleted or renamed.
	 * @param queue the queue
	 * @return the keys of the wrong type, with the type each holds
	 */
	default java.util.List<KeyTypeProblem> keyProblems(String queue) {
		return java.util.List.of();
	}

	/**
	 * Stop every worker from fetching tasks of a queue. Sending still works: tasks pile up
	 * until the queue is resumed. Tasks running when the queue is paused finish.
	 * @param queue the queue
	 */
	void pause(String queue);

	/**
	 * Let workers fetch tasks of a paused queue again.
	 * @param queue the queue
	 */
	void resume(String queue);

	/**
	 * Whether a queue is paused.
	 * @param queue the queue
	 * @return {@code true} if paused
	 */
	boolean isPaused(String queue);

	/**
	 * The task that workers will fetch next from a queue, not counting delayed tasks.
	 * @param queue the queue
	 * @return the task, or empty if none is pending
	 */
	Optional<QueuedTask> peekNext(String queue);

	/**
	 * The task that workers will fetch last from a queue as it is now, not counting delayed
	 * tasks.
	 * @param queue the queue
	 * @return the task, or empty if none is pending
	 */
	Optional<QueuedTask> peekLast(String queue);

	/**
	 * Tasks of a queue waiting for their due time (countdown, ETA or retry backoff), soonest
	 * first. Entries that are not valid messages are left out; a worker sets them aside as dead
	 * letters when they fall due.
	 * @param queue the queue
	 * @param offset how many to skip
	 * @param limit the most to return
	 * @return the tasks
	 */
	List<ScheduledTask> scheduled(String queue, int offset, int limit);

}
