package io.gtask.metrics;

import java.util.List;

/**
 * Told by the client and the worker what happens to tasks, to record it as metrics. Calls come
 * from the threads that send and run tasks, so implementations must be quick and must not
 * throw.
 */
public interface TaskMetrics {

	/**
	 * Metrics that record nothing.
	 */
	TaskMetrics NONE = new TaskMetrics() {
	};

	/**
	 * A task was queued.
	 * @param queue the queue
	 * @param task the task name
	 */
	default void sent(String queue, String task) {
	}

	/**
	 * An attempt of a task started on this worker.
	 * @param queue the queue
	 * @param task the task name
	 * @param waitNanos how long the first attempt waited since it was sent (or since it was due,
	 * for a delayed task); negative when unknown, as for retries
	 */
	default void started(String queue, String task, long waitNanos) {
	}

	/**
	 * An attempt of a task ended.
	 * @param queue the queue
	 * @param task the task name
	 * @param outcome how it ended
	 * @param durationNanos how long the handler ran, or a negative value if it did not run
	 */
	default void finished(String queue, String task, TaskOutcome outcome, long durationNanos) {
	}

	/**
	 * A task, or a message that could not be read, was set aside as a dead letter.
	 * @param queue the queue
	 * @param task the task name, or {@code null} if the message could not be read
	 */
	default void deadLettered(String queue, @org.jspecify.annotations.Nullable String task) {
	}

	/**
	 * A worker started to consume queues, whose sizes may then be observed.
	 * @param queues the queues
	 */
	default void consuming(List<String> queues) {
	}

}
