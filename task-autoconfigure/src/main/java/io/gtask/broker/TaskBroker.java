package io.gtask.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.gtask.core.DeadLetter;
import org.jspecify.annotations.Nullable;

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
	 * Settle deliveries, all in one round trip where the broker can: acknowledge them, schedule
	 * their next attempt, or keep them as dead letters. Each settlement is atomic.
	 * @param settlements the settlements
	 */
	void settle(List<Settlement> settlements);

	/**
	 * Take over messages that another consumer fetched and left unacknowledged for at least
	 * {@code minIdle}, presumably because it died. A message is taken by one consumer only.
	 * @param queue the queue
	 * @param consumerName the consumer taking them over
	 * @param minIdle how long a message must have been left alone
	 * @param max the most messages to take
	 * @return the deliveries, with their delivery counts
	 */
	List<Delivery> reclaim(String queue, String consumerName, Duration minIdle, int max);

	/**
	 * Tell the broker that deliveries are still being worked on, so that they are not taken
	 * over by another consumer.
	 * @param queue the queue
	 * @param consumerName the consumer that holds them
	 * @param deliveryIds the ids of the deliveries
	 */
	void keepAlive(String queue, String consumerName, List<String> deliveryIds);

	/**
	 * Hand deliveries back to their queue, to be fetched at once by any consumer.
	 * @param deliveries the deliveries
	 */
	void handBack(List<Delivery> deliveries);

	/**
	 * The number of dead letters of a queue.
	 * @param queue the queue
	 * @return the count
	 */
	long deadLetterCount(String queue);

	/**
	 * Dead letters of a queue, newest first.
	 * @param queue the queue
	 * @param offset how many to skip
	 * @param limit the most to return
	 * @return the dead letters
	 */
	List<DeadLetter> deadLetters(String queue, int offset, int limit);

	/**
	 * One dead letter.
	 * @param queue the queue
	 * @param id the dead letter id
	 * @return the dead letter or {@code null}
	 */
	@Nullable DeadLetter deadLetter(String queue, String id);

	/**
	 * Remove a dead letter and, if a payload is given, queue it, in one step.
	 * @param queue the queue
	 * @param id the dead letter id
	 * @param payload the message to queue, or {@code null} to only remove
	 * @return whether the dead letter existed
	 */
	boolean removeDeadLetter(String queue, String id, byte @Nullable [] payload);

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
