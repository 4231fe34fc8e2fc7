package io.gtask.broker;

import java.time.Duration;
import java.util.List;

import io.gtask.core.DeadLetter;
import org.jspecify.annotations.Nullable;

/**
 * Where the dead letters of a {@link TaskBroker} are kept: read, removed and sent again. Behind
 * {@link io.gtask.core.DeadLetters}. The broker writes them when it settles a delivery
 * ({@link Settlement#deadLetter(Delivery, DeadLetter)}), in the same step as it
 * acknowledges it, so a store reads what its broker wrote.
 */
public interface DeadLetterStore {

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

}
