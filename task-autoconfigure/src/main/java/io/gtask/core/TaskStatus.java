package io.gtask.core;

/**
 * State of a task, with the meaning Celery gives these names.
 */
public enum TaskStatus {

	/**
	 * Accepted and waiting in its queue (or waiting for its countdown).
	 */
	PENDING,

	/**
	 * Running on a worker.
	 */
	STARTED,

	/**
	 * An attempt failed and another attempt is scheduled.
	 */
	RETRY,

	/**
	 * Finished; the result is stored.
	 */
	SUCCESS,

	/**
	 * Finished without success; the error is stored.
	 */
	FAILURE;

	/**
	 * Whether the task will not change state any more.
	 * @return {@code true} for {@link #SUCCESS} and {@link #FAILURE}
	 */
	public boolean isFinished() {
		return this == SUCCESS || this == FAILURE;
	}

}
