package io.gtask.metrics;

import java.util.List;

/**
 * Told by the client, the worker, the periodic scheduler, the reaper and the dead letters what
 * happens to tasks, to record it as metrics. Calls come from the threads that send and run
 * tasks, so implementations must be quick and must not throw. The auto-configuration tells every
 * {@code TaskMetrics} bean, through {@link #composite(List)}.
 */
public interface TaskMetrics {

	/**
	 * Metrics that record nothing.
	 */
	TaskMetrics NONE = new TaskMetrics() {
	};

	/**
	 * Metrics that tell each of the given metrics, in order.
	 * @param metrics the metrics to tell
	 * @return {@link #NONE} when there are none, the only one when there is one, or else a
	 * {@link CompositeTaskMetrics}
	 */
	static TaskMetrics composite(List<? extends TaskMetrics> metrics) {
		return switch (metrics.size()) {
			case 0 -> NONE;
			case 1 -> metrics.get(0);
			default -> new CompositeTaskMetrics(metrics);
		};
	}

	/**
	 * A task was queued. Called by the default {@link #sent(String, String, TaskOrigin)}, so
	 * that metrics that do not tell origins apart need only implement this method.
	 * @param queue the queue
	 * @param task the task name
	 */
	default void sent(String queue, String task) {
	}

	/**
	 * A task was queued, by a client or by gtask itself: the periodic scheduler, the reaper,
	 * or a request to send it again.
	 * @param queue the queue
	 * @param task the task name
	 * @param origin what queued it
	 */
	default void sent(String queue, String task, TaskOrigin origin) {
		sent(queue, task);
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
	 * A flow or a batch was started.
	 * @param kind {@code chain}, {@code group}, {@code chord}, {@code step} or {@code batch}
	 */
	default void flowStarted(String kind) {
	}

	/**
	 * A flow or a batch ended, on the instance whose step or member ended it.
	 * @param kind {@code chain}, {@code group}, {@code chord}, {@code step} or {@code batch}
	 * @param status {@code SUCCESS}, {@code FAILURE} or {@code REVOKED}
	 * @param durationNanos how long it ran, from its start
	 */
	default void flowFinished(String kind, String status, long durationNanos) {
	}

	/**
	 * A worker started to consume queues, whose sizes may then be observed.
	 * @param queues the queues
	 */
	default void consuming(List<String> queues) {
	}

}
