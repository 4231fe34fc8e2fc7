package io.gtask.backend;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A task to record as {@link io.gtask.core.TaskStatus#PENDING} when it is sent.
 *
 * @param id the task id
 * @param name the task name
 * @param queue the queue
 * @param createdAt when the task was sent
 * @param exclusive whether recording must fail when the id is already known (caller-chosen ids)
 * @param payload the encoded message, kept by a {@link DurableResultBackend} so that the task can
 * be sent again; {@code null} when not kept
 * @param dueAt when the task is due to run at the earliest, or {@code null} for at once
 * @param args the arguments as JSON text, kept with the task's state so that it can be looked
 * up by id; {@code null} when not kept
 */
public record NewTask(String id, String name, String queue, Instant createdAt, boolean exclusive,
		byte @Nullable [] payload, @Nullable Instant dueAt, @Nullable String args) {

	/**
	 * Create a task record that keeps no message.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param createdAt when the task was sent
	 * @param exclusive whether recording must fail when the id is already known
	 */
	public NewTask(String id, String name, String queue, Instant createdAt, boolean exclusive) {
		this(id, name, queue, createdAt, exclusive, null, null, null);
	}

	/**
	 * Create a task record that keeps no arguments.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param createdAt when the task was sent
	 * @param exclusive whether recording must fail when the id is already known
	 * @param payload the encoded message, or {@code null} when not kept
	 * @param dueAt when the task is due to run at the earliest, or {@code null} for at once
	 */
	public NewTask(String id, String name, String queue, Instant createdAt, boolean exclusive,
			byte @Nullable [] payload, @Nullable Instant dueAt) {
		this(id, name, queue, createdAt, exclusive, payload, dueAt, null);
	}

}
