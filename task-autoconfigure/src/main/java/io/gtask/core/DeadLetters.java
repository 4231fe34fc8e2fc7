package io.gtask.core;

import java.util.List;
import java.util.Optional;

/**
 * Reads and handles the dead letters of a queue: tasks that exhausted their retries, failed
 * without retry, were delivered too many times without finishing (poison tasks), named no known
 * handler, or were not valid messages. Each queue keeps a bounded number of them for a bounded
 * time ({@code gtask.dead-letter.*}).
 */
public interface DeadLetters {

	/**
	 * The number of dead letters of a queue.
	 * @param queue the queue
	 * @return the count
	 */
	long count(String queue);

	/**
	 * Dead letters of a queue, newest first.
	 * @param queue the queue
	 * @param offset how many to skip
	 * @param limit the most to return
	 * @return the dead letters
	 */
	List<DeadLetter> list(String queue, int offset, int limit);

	/**
	 * One dead letter.
	 * @param queue the queue
	 * @param id the dead letter id
	 * @return the dead letter, or empty
	 */
	Optional<DeadLetter> find(String queue, String id);

	/**
	 * Send a dead letter's task again, as a new first attempt, and remove the dead letter.
	 * @param queue the queue
	 * @param id the dead letter id
	 * @return the task id, or empty if no such dead letter exists
	 * @throws MalformedTaskMessageException if the dead letter is not a valid message and so
	 * cannot run (delete it instead)
	 */
	Optional<String> requeue(String queue, String id);

	/**
	 * Send the tasks of all valid dead letters of a queue again; invalid messages stay. Dead
	 * letters added meanwhile, as by tasks that fail again at once, are left for a later call.
	 * @param queue the queue
	 * @return the number of tasks sent again
	 */
	int requeueAll(String queue);

	/**
	 * Delete a dead letter.
	 * @param queue the queue
	 * @param id the dead letter id
	 * @return whether it existed
	 */
	boolean delete(String queue, String id);

	/**
	 * Delete all dead letters of a queue, those it holds when called.
	 * @param queue the queue
	 * @return the number deleted
	 */
	long deleteAll(String queue);

}
