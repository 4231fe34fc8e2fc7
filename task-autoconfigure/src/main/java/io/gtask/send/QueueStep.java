package io.gtask.send;

import io.gtask.broker.OutgoingTask;

/**
 * Queues the message of a task in one step with something else, for sends that queue only on
 * a condition, such as the tick of a periodic schedule that exactly one instance fires, or the
 * dead letter that exactly one request takes back.
 */
@FunctionalInterface
public interface QueueStep {

	/**
	 * Queue a message if the step's condition holds.
	 * @param task the message
	 * @return whether it was queued
	 */
	boolean queue(OutgoingTask task);

}
