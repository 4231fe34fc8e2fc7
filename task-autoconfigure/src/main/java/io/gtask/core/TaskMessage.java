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
 */
public record TaskMessage(String id, String name, String queue, ArrayNode args, int attempt,
		@Nullable Integer maxRetries, @Nullable Long timeoutMillis, @Nullable Long backoffMillis, long createdAt,
		Map<String, String> headers) {

	/**
	 * The envelope version this code writes.
	 */
	public static final int VERSION = 1;

	/**
	 * The same message for the next attempt.
	 * @return a copy with the attempt number increased by one
	 */
	public TaskMessage nextAttempt() {
		return new TaskMessage(this.id, this.name, this.queue, this.args, this.attempt + 1, this.maxRetries,
				this.timeoutMillis, this.backoffMillis, this.createdAt, this.headers);
	}

}
