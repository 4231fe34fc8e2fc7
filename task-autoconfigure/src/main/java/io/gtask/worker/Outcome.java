package io.gtask.worker;

import java.time.Instant;

import io.gtask.backend.TaskStateChange;
import io.gtask.broker.Delivery;
import io.gtask.core.DeadLetter;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link OutcomeWriter} must write for one step of a task: a state change, and the
 * acknowledgement or rescheduling of its delivery.
 *
 * @param change the state change, or {@code null}
 * @param delivery the delivery to acknowledge or reschedule, or {@code null}
 * @param retryPayload the message of the next attempt, or {@code null} to acknowledge
 * @param retryAt when the next attempt is due, with {@code retryPayload}
 * @param deadLetter what to keep of the delivery instead of acknowledging it, or {@code null}
 */
record Outcome(@Nullable TaskStateChange change, @Nullable Delivery delivery, byte @Nullable [] retryPayload,
		@Nullable Instant retryAt, @Nullable DeadLetter deadLetter) {

	static Outcome state(TaskStateChange change) {
		return new Outcome(change, null, null, null, null);
	}

	static Outcome finish(@Nullable TaskStateChange change, Delivery delivery) {
		return new Outcome(change, delivery, null, null, null);
	}

	static Outcome retry(TaskStateChange change, Delivery delivery, byte[] payload, Instant at) {
		return new Outcome(change, delivery, payload, at, null);
	}

	static Outcome dead(@Nullable TaskStateChange change, Delivery delivery, DeadLetter deadLetter) {
		return new Outcome(change, delivery, null, null, deadLetter);
	}

}
