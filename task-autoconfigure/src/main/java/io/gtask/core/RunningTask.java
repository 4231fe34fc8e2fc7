package io.gtask.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A task a worker holds now.
 *
 * @param id the task id, or {@code null} if its message cannot be read
 * @param name the task name, or {@code null} if its message cannot be read
 * @param queue the queue
 * @param attempt the attempt it is on
 * @param worker the name of the worker that holds it
 * @param deliveries how many times it was delivered
 * @param startedAt when its attempt started, as its state says, if known
 */
public record RunningTask(@Nullable String id, @Nullable String name, String queue, int attempt, String worker,
		long deliveries, @Nullable Instant startedAt) {
}
