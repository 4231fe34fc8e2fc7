package io.gtask.durable;

/**
 * What the reaper does with a task that is not finished, has not changed for longer than the
 * reaper's timeout, and is not held by the broker.
 */
public enum LostTaskPolicy {

	/**
	 * Queue its recorded message again, as a new first attempt.
	 */
	RETRY,

	/**
	 * Mark it FAILURE, with an error that says it was lost.
	 */
	FAIL

}
