package io.gtask.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.gtask.core.DeadLetter;
import io.gtask.core.KeyTypeProblem;
import io.gtask.core.QueueInfo;
import io.gtask.core.TaskLimit;
import org.jspecify.annotations.Nullable;

/**
 * Where task messages wait until a worker takes them.
 * <p>
 * Delivery is at least once: a fetched message stays in flight until it is acknowledged.
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
	 * Set the limits of task names, used from now on by this broker's consumers.
	 * @param limits the limits by task name
	 */
	void setTaskLimits(Map<String, TaskLimit> limits);

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
	 * Record that a consumer is alive, for {@link #inspect(String)}.
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
	 * Remove a dead letter and queue a message in the given priority lane, in one step.
	 * @param queue the queue
	 * @param id the dead letter id
	 * @param payload the message to queue
	 * @param priority the priority lane
	 * @return whether the dead letter existed
	 */
	boolean requeueDeadLetter(String queue, String id, byte[] payload, int priority);

	/**
	 * Look for keys of a queue that hold a value of another type than the broker keeps there.
	 * @param queue the queue
	 * @return the keys of the wrong type, none for a broker that cannot tell
	 */
	default List<KeyTypeProblem> keyProblems(String queue) {
		return List.of();
	}

	/**
	 * Reserve a dead letter for being sent again, so that of several requests at once only
	 * one goes on to record its task as pending. The reservation ends when the dead letter is
	 * removed, or after the given time (a request that died).
	 * @param queue the queue
	 * @param id the dead letter id
	 * @param hold how long the reservation holds
	 * @return whether this call reserved it; {@code false} when the dead letter is gone or
	 * reserved by another request
	 */
	default boolean reserveDeadLetter(String queue, String id, Duration hold) {
		return true;
	}

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
	 * limit, as far as it tracks them (see {@link #setTracking(boolean)}).
	 * @param queue the queue of the tasks
	 * @param taskIds the task ids
	 * @return the ids of the tasks it holds
	 */
	java.util.Set<String> findHeld(String queue, java.util.Collection<String> taskIds);

	/**
	 * Set whether the broker keeps track of the ids of the tasks it holds, so that
	 * {@link #findHeld(String, java.util.Collection)} can tell tasks that were lost. Settlements
	 * must then name their task ({@link Settlement#taskId()}).
	 * @param tracking whether to track task ids
	 */
	void setTracking(boolean tracking);

	/**
	 * Pause or resume a queue for every consumer.
	 * @param queue the queue
	 * @param paused whether to pause
	 */
	void setPaused(String queue, boolean paused);

	/**
	 * Whether a queue is paused.
	 * @param queue the queue
	 * @return {@code true} if paused
	 */
	boolean isPaused(String queue);

	/**
	 * Make sure that a queued task never runs: a consumer that fetches it drops it.
	 * @param queue the queue
	 * @param taskId the task id
	 * @param at when it was revoked
	 */
	void revoke(String queue, String taskId, Instant at);

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
	 * Count what a queue holds.
	 * @param queue the queue
	 * @param now the current time
	 * @return the counts
	 */
	QueueInfo inspect(String queue, Instant now);

	/**
	 * The pending message that consumers will fetch first or last.
	 * @param queue the queue
	 * @param first {@code true} for the first, {@code false} for the last
	 * @return the message, or {@code null} if none is pending
	 */
	@Nullable Delivery peek(String queue, boolean first);

	/**
	 * Messages waiting in the delayed set of a queue, soonest due first.
	 * @param queue the queue
	 * @param offset how many to skip
	 * @param limit the most to return
	 * @return the messages with their due times
	 */
	List<DelayedEntry> delayed(String queue, int offset, int limit);

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
