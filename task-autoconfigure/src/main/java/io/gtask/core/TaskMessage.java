package io.gtask.core;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;

/**
 * The envelope of a task as it travels through the broker.
 *
 * @param id the task id
 * @param name the task name
 * @param queue the queue
 * @param args the arguments as a JSON array
 * @param attempt the number of the attempt this message is for, starting at 1
 * @param maxRetries the retry limit chosen by the sender, or {@code null} for the handler's
 * @param timeoutMillis the timeout chosen by the sender, or {@code null} for the handler's
 * @param backoffMillis the first retry delay chosen by the sender, or {@code null} for the handler's
 * @param createdAt when the task was sent, in epoch milliseconds
 * @param headers free-form string headers
 * @param priority the priority within the queue, from {@link TaskRequest#MIN_PRIORITY} to
 * {@link TaskRequest#FRONT}
 * @param expiresAt the time after which the task must not start, in epoch milliseconds, or
 * {@code null}
 * @param uniqueKey the uniqueness key the task holds while queued or running, or {@code null}
 * @param group the group whose turn the task waits for in its queue, or {@code null}
 */
public record TaskMessage(String id, String name, String queue, ArrayNode args, int attempt,
		@Nullable Integer maxRetries, @Nullable Long timeoutMillis, @Nullable Long backoffMillis, long createdAt,
		Map<String, String> headers, int priority, @Nullable Long expiresAt, @Nullable String uniqueKey,
		@Nullable String group) {

	/**
	 * The envelope version this code writes.
	 */
	public static final int VERSION = 1;

	/**
	 * Header of the message of a delayed task: when it is due, in epoch milliseconds, from
	 * which the time it waits in its queue is measured.
	 */
	public static final String DUE_HEADER = "gtask-due";

	/**
	 * Create a message of no group.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param args the arguments
	 * @param attempt the attempt number
	 * @param maxRetries the retry limit or {@code null}
	 * @param timeoutMillis the timeout or {@code null}
	 * @param backoffMillis the first retry delay or {@code null}
	 * @param createdAt when the task was sent
	 * @param headers the headers
	 * @param priority the priority
	 * @param expiresAt the expiry or {@code null}
	 * @param uniqueKey the uniqueness key or {@code null}
	 */
	public TaskMessage(String id, String name, String queue, ArrayNode args, int attempt,
			@Nullable Integer maxRetries, @Nullable Long timeoutMillis, @Nullable Long backoffMillis, long createdAt,
			Map<String, String> headers, int priority, @Nullable Long expiresAt, @Nullable String uniqueKey) {
		this(id, name, queue, args, attempt, maxRetries, timeoutMillis, backoffMillis, createdAt, headers, priority,
				expiresAt, uniqueKey, null);
	}

	/**
	 * Create a message of normal priority that does not expire and holds no uniqueness key.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param args the arguments
	 * @param attempt the attempt number
	 * @param maxRetries the retry limit or {@code null}
	 * @param timeoutMillis the timeout or {@code null}
	 * @param backoffMillis the first retry delay or {@code null}
	 * @param createdAt when the task was sent
	 * @param headers the headers
	 */
	public TaskMessage(String id, String name, String queue, ArrayNode args, int attempt,
			@Nullable Integer maxRetries, @Nullable Long timeoutMillis, @Nullable Long backoffMillis, long createdAt,
			Map<String, String> headers) {
		this(id, name, queue, args, attempt, maxRetries, timeoutMillis, backoffMillis, createdAt, headers, 0, null,
				null);
	}

	/**
	 * The same message for the next attempt.
	 * @return a copy with the attempt number increased by one
	 */
	public TaskMessage nextAttempt() {
		return withAttempt(this.attempt + 1);
	}

	/**
	 * The same message for another attempt.
	 * @param attempt the attempt number
	 * @return a copy with that attempt number
	 */
	public TaskMessage withAttempt(int attempt) {
		return new TaskMessage(this.id, this.name, this.queue, this.args, attempt, this.maxRetries,
				this.timeoutMillis, this.backoffMillis, this.createdAt, this.headers, this.priority, this.expiresAt,
				this.uniqueKey, this.group);
	}

	/**
	 * The same message with other headers.
	 * @param headers the headers
	 * @return a copy with those headers
	 */
	public TaskMessage withHeaders(Map<String, String> headers) {
		return new TaskMessage(this.id, this.name, this.queue, this.args, this.attempt, this.maxRetries,
				this.timeoutMillis, this.backoffMillis, this.createdAt, headers, this.priority, this.expiresAt,
				this.uniqueKey, this.group);
	}

}
