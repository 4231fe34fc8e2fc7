package io.gtask.backend;

import java.time.Instant;

import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;

/**
 * A task as a durable result backend keeps it: its state and the message it was sent with.
 *
 * @param id the task id
 * @param name the task name
 * @param queue the queue
 * @param status the current state
 * @param payload the encoded message it was sent with, or {@code null} if none was kept
 * @param dueAt when it was due to run at the earliest, or {@code null} for at once
 * @param updatedAt when its state last changed
 */
public record StoredTask(String id, String name, String queue, TaskStatus status, byte @Nullable [] payload,
		@Nullable Instant dueAt, Instant updatedAt) {
}
