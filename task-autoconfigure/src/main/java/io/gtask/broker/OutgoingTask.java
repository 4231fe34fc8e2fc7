package io.gtask.broker;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An encoded task message on its way into a queue.
 *
 * @param queue the queue
 * @param id the task id
 * @param payload the encoded message
 * @param due when the task may run, or {@code null} for at once
 * @param priority the priority lane
 * @param uniqueKey the uniqueness key to take before queueing, or {@code null}
 * @param uniqueFor how long the uniqueness key is held at most, with {@code uniqueKey}
 * @param group the group whose turn the task waits for, or {@code null}
 */
public record OutgoingTask(String queue, String id, byte[] payload, @Nullable Instant due, int priority,
		@Nullable String uniqueKey, @Nullable Duration uniqueFor, @Nullable String group) {

	/**
	 * Create a task of no group.
	 * @param queue the queue
	 * @param id the task id
	 * @param payload the encoded message
	 * @param due when the task may run, or {@code null} for at once
	 * @param priority the priority lane
	 * @param uniqueKey the uniqueness key or {@code null}
	 * @param uniqueFor how long the uniqueness key is held, or {@code null}
	 */
	public OutgoingTask(String queue, String id, byte[] payload, @Nullable Instant due, int priority,
			@Nullable String uniqueKey, @Nullable Duration uniqueFor) {
		this(queue, id, payload, due, priority, uniqueKey, uniqueFor, null);
	}

	/**
	 * Create a task of normal priority without uniqueness key.
	 * @param queue the queue
	 * @param id the task id
	 * @param payload the encoded message
	 * @param due when the task may run, or {@code null} for at once
	 */
	public OutgoingTask(String queue, String id, byte[] payload, @Nullable Instant due) {
		this(queue, id, payload, due, 0, null, null, null);
	}

}
