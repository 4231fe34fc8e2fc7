package io.gtask.core;

import java.time.Instant;

/**
 * A task waiting in a queue, as {@link TaskQueues#peekNext(String)} and
 * {@link TaskQueues#peekLast(String)} show it.
 *
 * @param id the task id
 * @param name the task name
 * @param queue the queue
 * @param args the arguments as JSON text
 * @param attempt the attempt it waits for
 * @param priority its priority
 * @param createdAt when it was sent
 */
public record QueuedTask(String id, String name, String queue, String args, int attempt, int priority,
		Instant createdAt) {
}
