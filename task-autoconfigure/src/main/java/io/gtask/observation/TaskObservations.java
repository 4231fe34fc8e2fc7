package io.gtask.observation;

/**
 * Names and keys of the observations of gtask.
 */
public final class TaskObservations {

	/**
	 * Name of the observation of sending a task, around the write to Redis.
	 */
	public static final String SEND = "gtask.send";

	/**
	 * Name of the observation of running one attempt of a task, around its interceptors and
	 * handler.
	 */
	public static final String EXECUTE = "gtask.execute";

	/**
	 * Low-cardinality key of the task name.
	 */
	public static final String TASK = "task";

	/**
	 * Low-cardinality key of the queue.
	 */
	public static final String QUEUE = "queue";

	/**
	 * High-cardinality key of the task id.
	 */
	public static final String TASK_ID = "gtask.task.id";

	private TaskObservations() {
	}

}
