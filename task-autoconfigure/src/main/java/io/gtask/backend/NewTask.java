package io.gtask.backend;

import java.time.Instant;

/**
 * A task to record as {@link io.gtask.core.TaskStatus#PENDING} when it is sent.
 *
 * @param id the task id
 * @param name the task name
 * @param queue the queue
 * @param createdAt when the task was sent
 * @param exclusive whether recording must fail when the id is already known (caller-chosen ids)
 */
public record NewTask(String id, String name, String queue, Instant createdAt, boolean exclusive) {
}
