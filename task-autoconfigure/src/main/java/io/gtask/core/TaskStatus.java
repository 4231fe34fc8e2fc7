package io.gtask.core;

/**
 * State of a task, with the meaning Celery gives these names.
 * <p>
 * {@link #REVOKED} and {@link #EXPIRED} end tasks that were stopped before they finished.
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
	FAILURE,

	/**
	 * Revoked before it started, so it never ran, or cancelled while it ran.
	 */
	REVOKED,

	/**
	 * Not started before its expiry time, so it never ran.
	 */
	EXPIRED;

	/**
	 * Whether the task will not change state any more.
	 * @return {@code true} for {@link #SUCCESS}, {@link #FAILURE}, {@link #REVOKED} and
	 * {@link #EXPIRED}
	 */
	public boolean isFinished() {
		return this == SUCCESS || this == FAILURE || this == REVOKED || this == EXPIRED;
	}

}
