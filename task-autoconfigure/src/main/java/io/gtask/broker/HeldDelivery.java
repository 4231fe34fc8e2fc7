package io.gtask.broker;

/**
 * A delivery a worker holds now.
 *
 * @param queue the queue
 * @param lane the priority lane
 * @param deliveryId the id of the delivery
 * @param consumer the name of the consumer that holds it
 * @param idleMillis how long since it was delivered or its claim renewed
 * @param deliveries how many times it was delivered
 * @param message the message, empty if it is gone
 */
public record HeldDelivery(String queue, int lane, String deliveryId, String consumer, long idleMillis,
		long deliveries, byte[] message) {
}
