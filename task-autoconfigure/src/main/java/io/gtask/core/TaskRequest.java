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
 * @param priority the priority within the queue: higher runs first, {@link #FRONT} before all
 * @param expiresAt the time after which the task must not start, or {@code null}
 * @param uniqueKey the uniqueness key, or {@code null}; {@code ""} for one made of the name and
 * arguments
 * @param uniqueFor how long the uniqueness key is held at most, with {@code uniqueKey}
 * @param onDuplicate what sending a duplicate does
 * @param inTransaction when a send inside a Spring-managed transaction queues the task
 * @param group the group whose turn the task waits for in its queue (a tenant, a customer), or
 * {@code null}; see {@link Builder#group(String)}
 */
public record TaskRequest(String name, List<@Nullable Object> args, @Nullable String id, @Nullable String queue,
		@Nullable Duration timeout, @Nullable Integer maxRetries, @Nullable Duration backoff, @Nullable Instant eta,
		int priority, @Nullable Instant expiresAt, @Nullable String uniqueKey, @Nullable Duration uniqueFor,
		OnDuplicate onDuplicate, InTransaction inTransaction, @Nullable String group) {

	/**
	 * A request of no group.
	 * @param name the task name
	 * @param args the arguments
	 * @param id the task id, or {@code null}
	 * @param queue the queue, or {@code null}
	 * @param timeout the timeout, or {@code null}
	 * @param maxRetries the number of retries, or {@code null}
	 * @param backoff the delay before the first retry, or {@code null}
	 * @param eta when the task may run at the earliest, or {@code null}
	 * @param priority the priority
	 * @param expiresAt the latest start, or {@code null}
	 * @param uniqueKey the uniqueness key, or {@code null}
	 * @param uniqueFor how long the uniqueness key is held, or {@code null}
	 * @param onDuplicate what sending a duplicate does
	 * @param inTransaction when a send inside a transaction queues the task
	 */
	public TaskRequest(String name, List<@Nullable Object> args, @Nullable String id, @Nullable String queue,
			@Nullable Duration timeout, @Nullable Integer maxRetries, @Nullable Duration backoff, @Nullable Instant eta,
			int priority, @Nullable Instant expiresAt, @Nullable String uniqueKey, @Nullable Duration uniqueFor,
			OnDuplicate onDuplicate, InTransaction inTransaction) {
		this(name, args, id, queue, timeout, maxRetries, backoff, eta, priority, expiresAt, uniqueKey, uniqueFor,
				onDuplicate, inTransaction, null);
	}

	/**
	 * A request whose send inside a transaction follows {@code gtask.send.in-transaction}.
	 * @param name the task name
	 * @param args the arguments
	 * @param id the task id, or {@code null}
	 * @param queue the queue, or {@code null}
	 * @param timeout the timeout, or {@code null}
	 * @param maxRetries the number of retries, or {@code null}
	 * @param backoff the delay before the first retry, or {@code null}
	 * @param eta when the task may run at the earliest, or {@code null}
	 * @param priority the priority
	 * @param expiresAt the latest start, or {@code null}
	 * @param uniqueKey the uniqueness key, or {@code null}
	 * @param uniqueFor how long the uniqueness key is held, or {@code null}
	 * @param onDuplicate what sending a duplicate does
	 */
	public TaskRequest(String name, List<@Nullable Object> args, @Nullable String id, @Nullable String queue,
			@Nullable Duration timeout, @Nullable Integer maxRetries, @Nullable Duration backoff, @Nullable Instant eta,
			int priority, @Nullable Instant expiresAt, @Nullable String uniqueKey, @Nullable Duration uniqueFor,
			OnDuplicate onDuplicate) {
		this(name, args, id, queue, timeout, maxRetries, backoff, eta, priority, expiresAt, uniqueKey, uniqueFor,
				onDuplicate, InTransaction.DEFAULT);
	}

	/**
	 * The lowest priority, the default.
	 */
	public static final int MIN_PRIORITY = 0;

	/**
	 * The highest priority a sender can choose.
	 */
	public static final int MAX_PRIORITY = 9;

	/**
	 * The priority of tasks pushed to the front of their queue, ahead of every other priority.
	 */
	public static final int FRONT = 10;

	/**
	 * What sending a task whose id or uniqueness key is taken does.
	 */
	public enum OnDuplicate {

		/**
		 * Throw {@link DuplicateTaskException}; nothing is sent.
		 */
		FAIL,

		/**
		 * Send nothing and return the id of the task that holds the id or key.
		 */
		RETURN_EXISTING

	}

	/**
	 * When a task sent inside a Spring-managed transaction is queued.
	 */
	public enum InTransaction {

		/**
		 * As {@code gtask.send.in-transaction} says ({@code after-commit} unless set).
		 */
		DEFAULT,

		/**
		 * Queued once the transaction committed, never if it rolled back. The send returns the
		 * task's id at once. In durable mode with the JDBC backend on the transaction's
		 * {@code DataSource}, the task's record is written in the transaction itself.
		 */
		AFTER_COMMIT,

		/**
		 * Queued at once, whatever becomes of the transaction.
		 */
		IMMEDIATE

	}

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

		private int priority = MIN_PRIORITY;

		private @Nullable Duration expires;

		private @Nullable Instant expiresAt;

		private @Nullable String uniqueKey;

		private @Nullable Duration uniqueFor;

		private OnDuplicate onDuplicate = OnDuplicate.FAIL;

		private InTransaction inTransaction = InTransaction.DEFAULT;

		private @Nullable String group;

		private Builder(String name) {
			this.name = TaskMessageRules.validName(name);
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
		 * @param id the id: 1 to 200 characters, without control characters
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
		 * Set the priority within the queue: a task of higher priority is fetched before any
		 * task of lower priority; tasks of one priority are fetched in the order they were sent.
		 * @param priority from {@link #MIN_PRIORITY} (the default) to {@link #MAX_PRIORITY}
		 * @return this builder
		 */
		public Builder priority(int priority) {
			Assert.isTrue(priority >= MIN_PRIORITY && priority <= MAX_PRIORITY,
					() -> "Priority must be from " + MIN_PRIORITY + " to " + MAX_PRIORITY + " but was " + priority);
			this.priority = priority;
			return this;
		}

		/**
		 * Push the task to the front of its queue: it is fetched before every task of any
		 * priority that is not pushed to the front.
		 * @return this builder
		 */
		public Builder pushToFront() {
			this.priority = FRONT;
			return this;
		}

		/**
		 * Give up on the task if it has not started this long after it is sent: it does not
		 * run and ends {@link TaskStatus#EXPIRED}.
		 * @param expires the time it may wait
		 * @return this builder
		 */
		public Builder expires(Duration expires) {
			this.expires = expires;
			this.expiresAt = null;
			return this;
		}

		/**
		 * Give up on the task if it has not started by this instant: it does not run and ends
		 * {@link TaskStatus#EXPIRED}.
		 * @param expiresAt the latest start
		 * @return this builder
		 */
		public Builder expiresAt(Instant expiresAt) {
			this.expiresAt = expiresAt;
			this.expires = null;
			return this;
		}

		/**
		 * Refuse a second task with the same name and arguments while this one is queued or
		 * running, for at most {@code uniqueFor}.
		 * @param uniqueFor the longest time the uniqueness is held, for tasks that never finish
		 * @return this builder
		 */
		public Builder unique(Duration uniqueFor) {
			return uniqueKey("", uniqueFor);
		}

		/**
		 * Refuse a second task with the same uniqueness key in the same queue while this one
		 * is queued or running, for at most {@code uniqueFor}.
		 * @param key the key, for example an order number
		 * @param uniqueFor the longest time the key is held, for tasks that never finish
		 * @return this builder
		 */
		public Builder uniqueKey(String key, Duration uniqueFor) {
			Assert.isTrue(key.length() <= 200, "Uniqueness key must have at most 200 characters");
			Assert.isTrue(!uniqueFor.isNegative() && !uniqueFor.isZero(), "uniqueFor must be positive");
			this.uniqueKey = key;
			this.uniqueFor = uniqueFor;
			return this;
		}

		/**
		 * Choose what sending a duplicate does: a task id in use, or a uniqueness key held.
		 * @param onDuplicate {@link OnDuplicate#FAIL} (the default) or
		 * {@link OnDuplicate#RETURN_EXISTING}
		 * @return this builder
		 */
		public Builder onDuplicate(OnDuplicate onDuplicate) {
			this.onDuplicate = onDuplicate;
			return this;
		}

		/**
		 * Queue the task only once the Spring-managed transaction of the sending thread
		 * committed, and not at all if it rolls back; without a transaction, at once.
		 * @return this builder
		 * @see InTransaction#AFTER_COMMIT
		 */
		public Builder afterCommit() {
			this.inTransaction = InTransaction.AFTER_COMMIT;
			return this;
		}

		/**
		 * Queue the task at once, even inside a transaction that may still roll back.
		 * @return this builder
		 * @see InTransaction#IMMEDIATE
		 */
		public Builder immediately() {
			this.inTransaction = InTransaction.IMMEDIATE;
			return this;
		}

		/**
		 * Put the task in a group of its queue, such as a tenant or a customer. A queue serves
		 * its groups in turn, one task of each, so that the backlog of one group does not
		 * starve the others, and {@code gtask.groups.*} limits how many tasks of one group run
		 * at once and how many start per period, across all instances.
		 * @param group the group key: 1 to 200 characters, not all white space, without control
		 * characters
		 * @return this builder
		 * @throws IllegalArgumentException naming what is wrong with the key
		 */
		public Builder group(String group) {
			this.group = TaskMessageRules.validGroup(group);
			return this;
		}

		/**
		 * Build the request. A countdown is turned into an instant now.
		 * @return the request
		 */
		public TaskRequest build() {
			if (this.id != null) {
				TaskMessageRules.validId(this.id);
			}
			Assert.isTrue(this.maxRetries == null || this.maxRetries >= 0, "maxRetries must not be negative");
			Assert.isTrue(this.timeout == null || (!this.timeout.isNegative() && !this.timeout.isZero()),
					"timeout must be positive");
			Assert.isTrue(this.countdown == null || !this.countdown.isNegative(), "countdown must not be negative");
			Assert.isTrue(this.backoff == null || !this.backoff.isNegative(), "backoff must not be negative");
			Assert.isTrue(this.expires == null || !this.expires.isNegative(), "expires must not be negative");
			Instant now = Instant.now();
			Instant due = (this.countdown != null) ? now.plus(this.countdown) : this.eta;
			Instant expiry = (this.expires != null) ? now.plus(this.expires) : this.expiresAt;
			return new TaskRequest(this.name, this.args, this.id, this.queue, this.timeout, this.maxRetries, this.backoff,
					due, this.priority, expiry, this.uniqueKey, this.uniqueFor, this.onDuplicate, this.inTransaction,
					this.group);
		}

	}

}
