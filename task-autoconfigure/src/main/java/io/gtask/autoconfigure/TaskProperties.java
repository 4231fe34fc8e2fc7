package io.gtask.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Execution defaults of tasks whose handler and sender choose none ({@code gtask.task.*}).
 */
public class TaskProperties {

	/**
	 * Time an attempt may run before it fails with a timeout.
	 */
	private Duration timeout = Duration.ofMinutes(5);

	/**
	 * Number of retries after a failed first attempt.
	 */
	private int maxRetries = 3;

	/**
	 * Exception types that fail a task at once instead of being retried.
	 */
	private List<Class<? extends Throwable>> nonRetryableExceptions = new ArrayList<>();

	private final Backoff backoff = new Backoff();

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public int getMaxRetries() {
		return this.maxRetries;
	}

	public void setMaxRetries(int maxRetries) {
		this.maxRetries = maxRetries;
	}

	public List<Class<? extends Throwable>> getNonRetryableExceptions() {
		return this.nonRetryableExceptions;
	}

	public void setNonRetryableExceptions(List<Class<? extends Throwable>> nonRetryableExceptions) {
		this.nonRetryableExceptions = nonRetryableExceptions;
	}

	public Backoff getBackoff() {
		return this.backoff;
	}

	/**
	 * Exponential back-off between attempts.
	 */
	public static class Backoff {

		/**
		 * Delay before the first retry.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Factor by which each further delay grows.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest delay between two attempts.
		 */
		private Duration maxInterval = Duration.ofMinutes(10);

		/**
		 * Most by which a delay is randomly lengthened or shortened, so that tasks that failed
		 * together do not retry together.
		 */
		private Duration jitter = Duration.ofMillis(100);

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(Duration jitter) {
			this.jitter = jitter;
		}

	}

}
