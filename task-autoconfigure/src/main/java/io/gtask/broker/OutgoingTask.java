package io.gtask.broker;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An encoded task message on its way into a queue.
 *
 * @param queue the queue
 * @param id the task id
 * @param payload the encoded message
 * @param due when the task may run, or {@code null} for at once
 */
public record OutgoingTask(String queue, String id, byte[] payload, @Nullable Instant due) {
}
