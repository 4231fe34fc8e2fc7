package io.gtask.broker;

import java.time.Instant;

/**
 * A message waiting in a queue's delayed set for its due time: a countdown, an ETA or a retry
 * backoff.
 *
 * @param queue the queue
 * @param priority the lane it will join when due
 * @param payload the encoded message
 * @param dueAt when it is due
 */
public record DelayedEntry(String queue, int priority, byte[] payload, Instant dueAt) {
}
