package io.gtask.worker;

import java.time.Instant;

import io.gtask.backend.TaskStateChange;
import io.gtask.broker.Delivery;
import io.gtask.broker.Settlement;
import io.gtask.core.DeadLetter;
import io.gtask.core.TaskMessage;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link OutcomeWriter} must write for one step of a task: a state change, and how its
 * delivery is settled.
 *
 * @param change the state change, or {@code null}
 * @param settlement how the delivery leaves the in-flight state, or {@code null} while it stays
 */
record Outcome(@Nullable TaskStateChange change, @Nullable Settlement settlement) {

	static Outcome state(TaskStateChange change) {
		return new Outcome(change, null);
	}

	static Outcome finish(@Nullable TaskStateChange change, Delivery delivery) {
		return new Outcome(change, Settlement.acknowledge(delivery));
	}

	static Outcome retry(TaskStateChange change, Delivery delivery, byte[] payload, Instant at) {
		return new Outcome(change, Settlement.retryLater(delivery, payload, at));
	}

	static Outcome dead(@Nullable TaskStateChange change, Delivery delivery, DeadLetter deadLetter) {
		return new Outcome(change, Settlement.deadLetter(delivery, deadLetter));
	}

	/**
	 * The same outcome, releasing the uniqueness key of the task unless it runs again.
	 */
	Outcome releasing(TaskMessage message) {
		return (this.settlement != null)
				? new Outcome(this.change, this.settlement.releasing(message.uniqueKey(), message.id())) : this;
	}

}
