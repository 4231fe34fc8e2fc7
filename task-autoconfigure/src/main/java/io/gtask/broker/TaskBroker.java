package io.gtask.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where task messages wait until a worker takes them.
 * <p>
 * Delivery is at least once: a fetched message stays in flight until it is acknowledged.
 */
public interface TaskBroker {

	/**
	 * Queue messages, each at once or at its due time. Returns at once.
	 * @param tasks the messages
	 * @return a future completed when the messages are queued
	 */
	CompletableFuture<Void> enqueue(List<OutgoingTask> tasks);

	/**
	 * Open a consumer of one queue. A consumer is used by one thread at a time.
	 * @param queue the queue
	 * @param consumerName the name of this consumer, unique among all instances
	 * @return the consumer
	 */
	Consumer consumer(String queue, String consumerName);

	/**
	 * Acknowledge finished deliveries: they leave the queue for good.
	 * @param deliveries the deliveries
	 */
	void acknowledge(List<Delivery> deliveries);

	/**
	 * Acknowledge a delivery and queue a new message for the same task at a later time, in one
	 * step.
	 * @param delivery the delivery
	 * @param payload the new message
	 * @param due when it may run
	 */
	void retryLater(Delivery delivery, byte[] payload, Instant due);

	/**
	 * Move messages whose due time has passed into their queue.
	 * @param queue the queue
	 * @param now the current time
	 * @param limit the most messages to move
	 * @return the number moved
	 */
	int promoteDue(String queue, Instant now, int limit);

	/**
	 * Fetches messages of one queue on behalf of one worker.
	 */
	interface Consumer extends AutoCloseable {

		/**
		 * Fetch up to {@code max} messages, waiting at most {@code wait} for the first.
		 * @param max the most messages to return
		 * @param wait how long to wait when none is ready
		 * @return the deliveries, possibly empty
		 */
		List<Delivery> fetch(int max, Duration wait);

		@Override
		void close();

	}

}
