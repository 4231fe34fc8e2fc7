package io.gtask.metrics;

/**
 * How one attempt of a task ended, as the {@code outcome} tag of task metrics.
 */
public enum TaskOutcome {

	/**
	 * The handler returned.
	 */
	SUCCESS("success"),

	/**
	 * The handler threw, or the task could not run (unknown task, arguments that cannot be
	 * bound), and no retry is left: the task becomes a dead letter.
	 */
	FAILURE("failure"),

	/**
	 * The handler threw and the task is scheduled to run again.
	 */
	RETRY("retry"),

	/**
	 * The handler ran past its timeout, whether the task runs again or not.
	 */
	TIMEOUT("timeout"),

	/**
	 * The task was cancelled on request, before or while it ran.
	 */
	REVOKED("revoked"),

	/**
	 * The task was not started before its expiry time; it did not run.
	 */
	EXPIRED("expired");

	private final String tagValue;

	TaskOutcome(String tagValue) {
		this.tagValue = tagValue;
	}

	/**
	 * The value of the {@code outcome} tag.
	 * @return the lower-case tag value
	 */
	public String tagValue() {
		return this.tagValue;
	}

}
