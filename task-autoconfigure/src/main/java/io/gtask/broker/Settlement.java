package io.gtask.broker;

import java.time.Instant;

import io.gtask.core.DeadLetter;
import org.jspecify.annotations.Nullable;

/**
 * How a delivery leaves the in-flight state: acknowledged, acknowledged with its next attempt
 * scheduled, or acknowledged and kept as a dead letter.
 *
 * @param delivery the delivery
 * @param retryPayload the message of the next attempt, or {@code null}
 * @param retryAt when the next attempt is due, with {@code retryPayload}
 * @param deadLetter what to keep as a dead letter, or {@code null}
 * @param uniqueKey the uniqueness key the task held, released unless the task runs again
 * @param taskId the id of the task, when known
 */
public record Settlement(Delivery delivery, byte @Nullable [] retryPayload, @Nullable Instant retryAt,
		@Nullable DeadLetter deadLetter, @Nullable String uniqueKey, @Nullable String taskId) {

	/**
	 * Create a settlement that releases no uniqueness key.
	 * @param delivery the delivery
	 * @param retryPayload the message of the next attempt, or {@code null}
	 * @param retryAt when the next attempt is due
	 * @param deadLetter what to keep as a dead letter, or {@code null}
	 */
	public Settlement(Delivery delivery, byte @Nullable [] retryPayload, @Nullable Instant retryAt,
			@Nullable DeadLetter deadLetter) {
		this(delivery, retryPayload, retryAt, deadLetter, null, null);
	}

	/**
	 * The same settlement, naming its task and releasing the uniqueness key the task held
	 * unless it runs again.
	 * @param uniqueKey the key, or {@code null} for none
	 * @param taskId the id of the task holding it
	 * @return the settlement
	 */
	public Settlement releasing(@Nullable String uniqueKey, String taskId) {
		return new Settlement(this.delivery, this.retryPayload, this.retryAt, this.deadLetter, uniqueKey, taskId);
	}

	/**
	 * The task is done with.
	 * @param delivery the delivery
	 * @return the settlement
	 */
	public static Settlement acknowledge(Delivery delivery) {
		return new Settlement(delivery, null, null, null);
	}

	/**
	 * The task runs again later.
	 * @param delivery the delivery
	 * @param payload the message of the next attempt
	 * @param at when it is due
	 * @return the settlement
	 */
	public static Settlement retryLater(Delivery delivery, byte[] payload, Instant at) {
		return new Settlement(delivery, payload, at, null);
	}

	/**
	 * The task is kept as a dead letter.
	 * @param delivery the delivery
	 * @param deadLetter what to keep
	 * @return the settlement
	 */
	public static Settlement deadLetter(Delivery delivery, DeadLetter deadLetter) {
		return new Settlement(delivery, null, null, deadLetter);
	}

}
