package io.gtask.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * Where task messages wait until a worker takes them: what senders and workers do on every
 * task.
 * <p>
 * Delivery is at least once: a fetched message stays in flight until it is acknowledged.
 * Steering and reading queues is {@link QueueAdmin}'s part, keeping dead letters
 * {@link DeadLetterStore}'s; a broker of one's own usually implements all three. What a broker
 * needs to know beyond its connection, such as the {@link io.gtask.core.TaskLimit limits} of task names and
 * whether it tracks task ids (durable mode), it is given when it is created.
 * <p>
 * Cancellation requests belong here rather than to {@link QueueAdmin}: they are signals to the
 * workers running a task, not a change to what a queue holds, and the side that asks and the
 * side that listens must share one transport.
 */
public interface TaskBroker {

	/**
	 * Queue messages, each at once or at its due time, in its priority lane. A message with a
	 * uniqueness key is queued only if it takes the key. Returns at once.
	 * @param tasks the messages
	 * @return a future of one entry per message, in order: {@code null} when it was queued, else
	 * the id of the task that holds its uniqueness key
	 */
	CompletableFuture<List<@Nullable String>> enqueue(List<OutgoingTask> tasks);

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
	 * Put back into their queue messages that a consumer fetched and left unacknowledged for at
	 * least {@code minIdle}, presumably because it died, to be fetched again with their delivery
	 * counts increased. Each message is put back once.
	 * @param queue the queue
	 * @param minIdle how long a message must have been left alone
	 * @param max the most messages to put back
	 * @return the number put back
	 */
	int reclaim(String queue, Duration minIdle, int max);

	/**
	 * Record that a consumer is alive, for {@link QueueAdmin#inspect(String, Instant)}.
	 * @param queue the queue it consumes
	 * @param consumerName the consumer
	 * @param ttl how long it counts as alive without another heartbeat
	 */
	void heartbeat(String queue, String consumerName, Duration ttl);

	/**
	 * Tell the broker that deliveries are still being worked on, so that they are not put back
	 * into their queue and the limit permits they hold are not released.
	 * @param deliveries the deliveries
	 * @param consumerName the consumer that holds them
	 */
	void keepAlive(List<Delivery> deliveries, String consumerName);

	/**
	 * Hand deliveries back to their queue, to be fetched at once by any consumer.
	 * @param deliveries the deliveries
	 */
	void handBack(List<Delivery> deliveries);

	/**
	 * Set deliveries aside until their task name is within its limits again, for deliveries
	 * that this instance cannot run now because of a per-instance concurrency limit.
	 * @param deliveries the deliveries; each has a {@link Delivery#limitedName()}
	 */
	void defer(List<Delivery> deliveries);

	/**
	 * Put back into their queue tasks that wait for a limit, as far as the limits allow now.
	 * @param queue the queue
	 * @param now the current time
	 * @param localFree how many more tasks of each name with a per-instance limit this instance
	 * could run now
	 * @return the number put back
	 */
	int admitWaiting(String queue, Instant now, Map<String, Integer> localFree);

	/**
	 * Which of the given tasks the broker holds, queued, delayed, in flight or waiting for a
	 * limit, as far as it tracks them: a broker created to track task ids (durable mode) keeps
	 * them from being queued until their settlement names them ({@link Settlement#taskId()}).
	 * @param queue the queue of the tasks
	 * @param taskIds the task ids
	 * @return the ids of the tasks it holds
	 */
	Set<String> findHeld(String queue, Collection<String> taskIds);

	/**
	 * Ask whichever consumer runs a task to cancel it.
	 * @param taskId the task id
	 */
	void requestCancellation(String taskId);

	/**
	 * Listen for cancellation requests.
	 * @param listener called with the id of each task to cancel
	 * @return a handle that stops listening when closed
	 */
	AutoCloseable onCancellation(java.util.function.Consumer<String> listener);

	/**
	 * Move messages whose due time has passed into their queue.
	 * @param queue the queue
	 * @param now the current time
	 * @param limit the most messages to move
	 * @return the number moved, and when the next message is due
	 */
	Promotion promoteDue(String queue, Instant now, int limit);

	/**
	 * Fetches messages of one queue on behalf of one worker.
	 */
	interface Consumer extends AutoCloseable {

		/**
		 * Fetch up to {@code max} messages that may start now, without waiting.
		 * @param max the most messages to return
		 * @return the deliveries, possibly empty
		 */
		List<Delivery> fetch(int max);

		/**
		 * Wait until messages may be ready after a fetch that found none, at most
		 * {@code wait}. Returns early when a message arrives.
		 * @param wait the longest wait
		 */
		void awaitMessages(Duration wait);

		@Override
		void close();

	}

}
