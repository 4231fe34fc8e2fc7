package io.gtask.worker;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What {@link TaskRetryPolicy} decided for a failed attempt: run the task again at a time, or
 * give up.
 *
 * @param nextAttemptAt when the next attempt is due, {@code null} to give up
 */
record RetryDecision(@Nullable Instant nextAttemptAt) {

	static final RetryDecision GIVE_UP = new RetryDecision(null);

	static RetryDecision retryAt(Instant at) {
		return new RetryDecision(at);
	}

	boolean retry() {
		return this.nextAttemptAt != null;
	}

}
