package io.gtask.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * A task to send, with per-send options that override the handler's defaults.
 * <p>
 * Build one with {@link #of(String)}: <pre class="code">
 * TaskRequest request = TaskRequest.of("report")
 *     .args(customerId, month)
 *     .queue("reports")
 *     .timeout(Duration.ofMinutes(2))
 *     .countdown(Duration.ofSeconds(30))
 *     .build();
 * </pre>
 *
 * @param name the task name
 * @param args the arguments, bound by position to the handler's parameters
 * @param id the task id, or {@code null} for a generated one
 * @param queue the queue, or {@code null} for the handler's queue or the default queue
 * @param timeout the timeout of each attempt, or {@code null} for the handler's
 * @param maxRetries the number of retries, or {@code null} for the handler's
 * @param backoff the delay before the first retry, or {@code null} for the handler's
 * @param eta when the task may run at the earliest, or {@code null} for at once
 */
public record TaskRequest(String name, List<@Nullable Object> args, @Nullable String id, @Nullable String queue,
		@Nullable Duration timeout, @Nullable Integer maxRetries, @Nullable Duration backoff, @Nullable Instant eta) {

	/**
	 * Start building a request for the named task.
	 * @param name the task name
	 * @return a builder
	 */
	public static Builder of(String name) {
		return new Builder(name);
	}

	/**
	 * Builder of {@link TaskRequest}.
	 */
	public static final class Builder {

		private final String name;

		private List<@Nullable Object> args = Collections.emptyList();

		private @Nullable String id;

		private @Nullable String queue;

		private @Nullable Duration timeout;

		private @Nullable Integer maxRetries;

		private @Nullable Duration backoff;

		private @Nullable Duration countdown;

		private @Nullable Instant eta;

		private Builder(String name) {
			Assert.hasText(name, "Task name must not be empty");
			this.name = name;
		}

		/**
		 * Set the arguments.
		 * @param args the arguments, bound by position
		 * @return this builder
		 */
		public Builder args(@Nullable Object... args) {
			this.args = Arrays.asList(args);
			return this;
		}

		/**
		 * Set the arguments.
		 * @param args the arguments, bound by position
		 * @return this builder
		 */
		public Builder args(List<@Nullable Object> args) {
			this.args = List.copyOf(args);
			return this;
		}

		/**
		 * Use this task id instead of a generated one.
		 * @param id the id: 1 to 200 characters
		 * @return this builder
		 */
		public Builder id(String id) {
			this.id = id;
			return this;
		}

		/**
		 * Send to this queue.
		 * @param queue the queue name
		 * @return this builder
		 */
		public Builder queue(String queue) {
			this.queue = queue;
			return this;
		}

		/**
		 * Set the timeout of each attempt.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		/**
		 * Set the number of retries after a failed first attempt.
		 * @param maxRetries the number of retries, 0 for none
		 * @return this builder
		 */
		public Builder maxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
			return this;
		}

		/**
		 * Set the delay before the first retry; later retries grow by
		 * {@code gtask.task.backoff.multiplier}.
		 * @param backoff the delay
		 * @return this builder
		 */
		public Builder backoff(Duration backoff) {
			this.backoff = backoff;
			return this;
		}

		/**
		 * Run the task no earlier than this long after it is sent.
		 * @param countdown the delay
		 * @return this builder
		 */
		public Builder countdown(Duration countdown) {
			this.countdown = countdown;
			this.eta = null;
			return this;
		}

		/**
		 * Run the task no earlier than this instant.
		 * @param eta the earliest start
		 * @return this builder
		 */
		public Builder eta(Instant eta) {
			this.eta = eta;
			this.countdown = null;
			return this;
		}

		/**
		 * Build the request. A countdown is turned into an instant now.
		 * @return the request
		 */
		public TaskRequest build() {
			Assert.isTrue(this.id == null || (!this.id.isBlank() && this.id.length() <= 200),
					"Task id must have 1 to 200 characters");
			Assert.isTrue(this.maxRetries == null || this.maxRetries >= 0, "maxRetries must not be negative");
			Assert.isTrue(this.timeout == null || (!this.timeout.isNegative() && !this.timeout.isZero()),
					"timeout must be positive");
			Assert.isTrue(this.countdown == null || !this.countdown.isNegative(), "countdown must not be negative");
			Assert.isTrue(this.backoff == null || !this.backoff.isNegative(), "backoff must not be negative");
			Instant due = (this.countdown != null) ? Instant.now().plus(this.countdown) : this.eta;
			return new TaskRequest(this.name, this.args, this.id, this.queue, this.timeout, this.maxRetries, this.backoff,
					due);
		}

	}

}
