package io.gtask.stats;

/**
 * What the task statistics count, for all instances together.
 */
public enum TaskStatistic {

	/**
	 * Tasks queued, by a client, a periodic schedule or a retry of a dead letter.
	 */
	SENT("sent"),

	/**
	 * Attempts whose handler returned.
	 */
	SUCCEEDED("succeeded"),

	/**
	 * Attempts that ended in an error: the handler threw or timed out, or the task could not run;
	 * counted whether the task is retried or not.
	 */
	FAILED("failed"),

	/**
	 * Tasks and unreadable messages set aside as dead letters.
	 */
	DEAD("dead");

	private final String field;

	TaskStatistic(String field) {
		this.field = field;
	}

	/**
	 * The name under which the statistic is stored and shown.
	 * @return the lower-case name
	 */
	public String field() {
		return this.field;
	}

}
