package io.gtask.broker;

import org.jspecify.annotations.Nullable;

/**
 * A task message fetched from a queue and held in flight until it is acknowledged.
 *
 * @param queue the queue
 * @param priority the priority lane it was fetched from
 * @param deliveryId the broker's id of this delivery
 * @param payload the encoded message, or {@code null} when the broker entry holds none
 * @param deliveryCount how many times the message was delivered, this delivery included
 * @param limitedName the task name, when the task is subject to {@link io.gtask.core.TaskLimit limits} and
 * holds their permits while in flight; otherwise {@code null}
 * @param group the group the task was admitted for, whose permits it holds while in flight, or
 * {@code null}
 */
public record Delivery(String queue, int priority, String deliveryId, byte @Nullable [] payload, long deliveryCount,
		@Nullable String limitedName, @Nullable String group) {

	/**
	 * Create a delivery of no group.
	 * @param queue the queue
	 * @param priority the priority lane
	 * @param deliveryId the broker's id of this delivery
	 * @param payload the encoded message
	 * @param deliveryCount how many times the message was delivered
	 * @param limitedName the limited task name or {@code null}
	 */
	public Delivery(String queue, int priority, String deliveryId, byte @Nullable [] payload, long deliveryCount,
			@Nullable String limitedName) {
		this(queue, priority, deliveryId, payload, deliveryCount, limitedName, null);
	}

	/**
	 * Create a delivery of normal priority without limits.
	 * @param queue the queue
	 * @param deliveryId the broker's id of this delivery
	 * @param payload the encoded message
	 * @param deliveryCount how many times the message was delivered
	 */
	public Delivery(String queue, String deliveryId, byte @Nullable [] payload, long deliveryCount) {
		this(queue, 0, deliveryId, payload, deliveryCount, null, null);
	}

}
