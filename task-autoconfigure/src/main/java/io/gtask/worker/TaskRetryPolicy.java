package io.gtask.worker;

import java.time.Instant;

import io.gtask.core.TaskMessage;
import io.gtask.core.TaskVetoedException;
import io.gtask.registry.TaskHandlerMethod;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Decides whether a failed attempt of a task runs again, and when. Each task gets a Spring
 * {@link RetryPolicy}: a failure is retried unless it is a {@link TaskVetoedException} or one of
 * the handler's or the default {@code noRetryFor} types, and its {@link ExponentialBackOff} (the
 * sender's back-off, else the handler's, else the default, with the default multiplier, maximum
 * interval and jitter) allows as many retries as the task's maximum; the delay before attempt
 * {@code n + 1} is the {@code n}th back-off.
 * <p>
 * What happens after the last attempt (the dead letter) is not decided here but by the
 * {@link ExecutionFinisher} with the {@link DeadLetterFactory}.
 */
final class TaskRetryPolicy {

	private final TaskDefaults defaults;

	TaskRetryPolicy(TaskDefaults defaults) {
		this.defaults = defaults;
	}

	/**
	 * The retries a task may have: the sender's choice, else the handler's, else the default.
	 * @param message the task message
	 * @param handler the handler
	 * @return the maximum number of retries
	 */
	int maxRetries(TaskMessage message, TaskHandlerMethod handler) {
		return (message.maxRetries() != null) ? message.maxRetries()
				: (handler.getMaxRetries() != null) ? handler.getMaxRetries() : this.defaults.maxRetries();
	}

	/**
	 * Decide what follows a failed attempt.
	 * @param message the message of the attempt
	 * @param handler its handler
	 * @param maxRetries the retries the task may have
	 * @param failure what the attempt failed with
	 * @param now the time of the failure
	 * @return the decision
	 */
	RetryDecision decide(TaskMessage message, TaskHandlerMethod handler, int maxRetries, Throwable failure,
			Instant now) {
		RetryPolicy policy = policyFor(message, handler, maxRetries);
		if (!policy.shouldRetry(failure)) {
			return RetryDecision.GIVE_UP;
		}
		BackOffExecution execution = policy.getBackOff().start();
		long delay = 0;
		for (int i = 0; i < message.attempt(); i++) {
			delay = execution.nextBackOff();
			if (delay == BackOffExecution.STOP) {
				return RetryDecision.GIVE_UP;
			}
		}
		return RetryDecision.retryAt(now.plusMillis(Math.max(0, delay)));
	}

	/**
	 * The retry policy of one task.
	 * @param message the task message
	 * @param handler the handler
	 * @param maxRetries the retries the task may have
	 * @return the policy
	 */
	RetryPolicy policyFor(TaskMessage message, TaskHandlerMethod handler, int maxRetries) {
		return RetryPolicy.builder()
			.predicate((failure) -> isRetryable(handler, failure))
			.backOff(backOff(message, handler, maxRetries))
			.build();
	}

	private boolean isRetryable(TaskHandlerMethod handler, Throwable failure) {
		if (failure instanceof TaskVetoedException) {
			return false;
		}
		for (Class<? extends Throwable> type : handler.getNoRetryFor()) {
			if (type.isInstance(failure)) {
				return false;
			}
		}
		for (Class<? extends Throwable> type : this.defaults.noRetryFor()) {
			if (type.isInstance(failure)) {
				return false;
			}
		}
		return true;
	}

	private BackOff backOff(TaskMessage message, TaskHandlerMethod handler, int maxRetries) {
		long initial = (message.backoffMillis() != null) ? message.backoffMillis()
				: ((handler.getBackoff() != null) ? handler.getBackoff() : this.defaults.initialInterval()).toMillis();
		ExponentialBackOff backOff = new ExponentialBackOff(initial, this.defaults.multiplier());
		backOff.setMaxInterval(this.defaults.maxInterval().toMillis());
		backOff.setJitter(this.defaults.jitter().toMillis());
		backOff.setMaxAttempts(maxRetries);
		return backOff;
	}

}
