package io.gtask.core;

import java.time.Instant;

/**
 * A task waiting for its due time in a queue, as {@link TaskQueues#scheduled} lists it: sent
 * with a countdown or an ETA, or waiting for a retry.
 *
 * @param id the task id
 * @param name the task name
 * @param queue the queue
 * @param args the arguments as JSON text
 * @param attempt the attempt it waits for, 1 for a first attempt
 * @param priority its priority
 * @param createdAt when it was sent
 * @param dueAt when it is due to run
 */
public record ScheduledTask(String id, String name, String queue, String args, int attempt, int priority,
		Instant createdAt, Instant dueAt) {

	/**
	 * Whether it waits for a retry rather than a first attempt.
	 * @return {@code true} for a retry
	 */
	public boolean isRetry() {
		return this.attempt > 1;
	}

}
