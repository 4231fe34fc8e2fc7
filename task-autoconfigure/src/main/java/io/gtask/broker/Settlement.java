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
 */
public record Settlement(Delivery delivery, byte @Nullable [] retryPayload, @Nullable Instant retryAt,
		@Nullable DeadLetter deadLetter) {

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
