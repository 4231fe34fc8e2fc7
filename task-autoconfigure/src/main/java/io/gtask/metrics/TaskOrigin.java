package io.gtask.metrics;

/**
 * What queued a task, as the {@code origin} tag of {@code gtask.tasks.sent}.
 */
public enum TaskOrigin {

	/**
	 * Sent through the {@link io.gtask.core.TaskClient}.
	 */
	CLIENT("client"),

	/**
	 * Sent by the periodic scheduler at a tick of its schedule.
	 */
	PERIODIC("periodic"),

	/**
	 * Sent again by the reaper of durable mode, after the broker lost it or it got stuck.
	 */
	REAPER("reaper"),

	/**
	 * Sent again on request, through {@link io.gtask.core.TaskClient#repush(String)}.
	 */
	REPUSH("repush"),

	/**
	 * Sent again from the dead letters of its queue, through
	 * {@link io.gtask.core.DeadLetters}.
	 */
	DEAD_LETTER("dead_letter"),

	/**
	 * Sent back to its queue by its manual-commit handler, through
	 * {@link io.gtask.core.TaskContext#commitRequeue()} after the handler returned.
	 */
	REQUEUE("requeue"),

	/**
	 * Sent by a flow, as the next step of a chain, the members of a group or a chord's callback.
	 */
	FLOW("flow"),

	/**
	 * Sent as a member or a callback of a batch.
	 */
	BATCH("batch");

	private final String tagValue;

	TaskOrigin(String tagValue) {
		this.tagValue = tagValue;
	}

	/**
	 * The value of the {@code origin} tag.
	 * @return the lower-case tag value
	 */
	public String tagValue() {
		return this.tagValue;
	}

}
