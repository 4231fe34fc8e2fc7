package io.gtask.worker;

import java.time.Instant;

import io.gtask.backend.TaskStateChange;
import io.gtask.broker.Delivery;
import io.gtask.broker.Settlement;
import io.gtask.core.DeadLetter;
import io.gtask.core.TaskError;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link OutcomeWriter} writes instead of an outcome that the result backend or Redis
 * refused for what it holds: the task ends as a FAILURE that names the refusal, with whatever
 * the store could not hold cut short or left out, and its message is kept as a dead letter, so
 * that it can be sent again once the cause is fixed.
 *
 * @param outcome the outcome that was refused
 * @param reason why it was refused, as the store said
 * @param errorType the type of the refusal
 */
record RefusedOutcome(Outcome outcome, String reason, String errorType) {

	/**
	 * The outcome refused, which tells the flow or batch of the task.
	 */
	Outcome refused() {
		return this.outcome;
	}


	/**
	 * The most characters of an error message written in place of a refused one.
	 */
	static final int MAX_MESSAGE_LENGTH = 4000;


	/**
	 * The id of the task whose outcome was refused, when it is known.
	 * @return the id or {@code null}
	 */
	@Nullable String taskId() {
		if (this.outcome.change() != null) {
			return this.outcome.change().id();
		}
		return (this.outcome.settlement() != null) ? this.outcome.settlement().taskId() : null;
	}

	/**
	 * The FAILURE to record instead, or {@code null} when the outcome holds no state change.
	 * @param at when
	 * @return the change
	 */
	@Nullable TaskStateChange failure(Instant at) {
		TaskStateChange refused = this.outcome.change();
		if (refused == null) {
			return null;
		}
		Settlement settlement = this.outcome.settlement();
		String queue = (settlement != null) ? settlement.delivery().queue() : refused.queue();
		StringBuilder message = new StringBuilder("The result backend refused to record this task as ")
			.append(refused.status())
			.append(": ")
			.append(this.reason);
		if (refused.error() != null) {
			message.append("; the error of the task was ").append(refused.error().type()).append(": ")
				.append(refused.error().message());
		}
		TaskStateChange failure = TaskStateChange.failure(refused.id(),
				clean(refused.name(), TaskMessageRules.MAX_NAME_LENGTH), clean(queue, TaskMessageRules.MAX_QUEUE_LENGTH),
				at, refused.attempts(),
				new TaskError(this.errorType, clean(message.toString(), MAX_MESSAGE_LENGTH)));
		return (refused.startedAt() != null) ? failure.withStartedAt(refused.startedAt()) : failure;
	}

	/**
	 * The settlement to write instead: the delivery is kept as a dead letter that names the
	 * refusal, or {@code null} when the outcome leaves the delivery in flight.
	 * @param at when
	 * @return the settlement
	 */
	@Nullable Settlement deadLetter(Instant at) {
		Settlement settlement = this.outcome.settlement();
		if (settlement == null) {
			return null;
		}
		Delivery delivery = settlement.delivery();
		DeadLetter original = settlement.deadLetter();
		TaskStateChange change = this.outcome.change();
		String why = "Its outcome could not be recorded: " + this.reason;
		String name = (change != null) ? clean(change.name(), TaskMessageRules.MAX_NAME_LENGTH) : null;
		DeadLetter letter = new DeadLetter(delivery.deliveryId(), delivery.queue(), taskId(),
				(original != null) ? original.name() : name,
				clean((original != null) ? original.reason() + "; " + why : why, MAX_MESSAGE_LENGTH), this.errorType,
				(original != null) ? original.attempts() : (change != null) ? change.attempts() : 0,
				delivery.deliveryCount(), at,
				(original != null) ? original.payload() : (delivery.payload() != null) ? delivery.payload() : new byte[0]);
		return new Settlement(delivery, null, null, letter, settlement.uniqueKey(), settlement.taskId());
	}

	/**
	 * Whether the refused outcome is only the start of an attempt, whose end follows.
	 * @return whether it is
	 */
	boolean isStart() {
		TaskStateChange change = this.outcome.change();
		return this.outcome.settlement() == null && change != null && change.status() == TaskStatus.STARTED;
	}

	/**
	 * Text without the characters some databases refuse (U+0000, written as {@code \0}), cut
	 * to a length.
	 */
	static String clean(String text, int maxLength) {
		String cleaned = text.replace("\u0000", "\\0");
		return (cleaned.length() <= maxLength) ? cleaned : cleaned.substring(0, maxLength - 3) + "...";
	}

}
