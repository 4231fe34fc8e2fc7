package io.gtask.broker;

import org.jspecify.annotations.Nullable;

/**
 * A task message fetched from a queue and held in flight until it is acknowledged.
 *
 * @param queue the queue
 * @param deliveryId the broker's id of this delivery
 * @param payload the encoded message, or {@code null} when the broker entry holds none
 * @param deliveryCount how many times the message was delivered, this delivery included
 */
public record Delivery(String queue, String deliveryId, byte @Nullable [] payload, long deliveryCount) {
}
