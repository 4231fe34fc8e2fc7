package io.gtask.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * Batches of tasks, as Sidekiq Pro has them: many tasks sent as one batch, more added while it
 * runs, counts of its members, and callbacks that run once when every member ended. A batch's
 * id is a task id: {@link TaskClient#awaitCompletion(String, Duration)} and the other methods
 * that read a task read a batch's state.
 */
public interface TaskBatches {

	/**
	 * Send a batch whose members are all known: it is sealed at once, so it ends when they did.
	 * @param request the members and callbacks
	 * @return the batch id
	 * @throws TaskSendException if the members could not be queued; those that could not are
	 * counted as failed
	 */
	String start(BatchRequest request);

	/**
	 * Send a batch that stays open for more members ({@link #add(String, List)}) until it is
	 * sealed ({@link #seal(String)}); it cannot end before.
	 * @param request the first members (possibly none) and the callbacks
	 * @return the batch id
	 */
	String open(BatchRequest request);

	/**
	 * Add members to a batch that has not ended, from anywhere, including from a task of the
	 * batch itself.
	 * @param batchId the batch id
	 * @param members the tasks, without ids
	 * @return their ids
	 * @throws TaskNotFoundException if the batch is unknown
	 * @throws GTaskException if the batch has ended or was cancelled
	 */
	List<String> add(String batchId, List<TaskRequest> members);

	/**
	 * Say that no more members come: the batch ends once those added did (at once if they had).
	 * @param batchId the batch id
	 * @throws TaskNotFoundException if the batch is unknown
	 */
	void seal(String batchId);

	/**
	 * Read a batch.
	 * @param batchId the batch id
	 * @return the batch
	 * @throws TaskNotFoundException if the batch is unknown or expired
	 */
	BatchInfo info(String batchId);

	/**
	 * Read a batch, if it is known.
	 * @param batchId the batch id
	 * @return the batch, or empty
	 */
	Optional<BatchInfo> find(String batchId);

	/**
	 * Walk the members of a batch a page at a time, in no particular order: each member that
	 * stays in the batch while it is walked comes once, whatever the batch's size. Their states
	 * are the states of their tasks ({@link TaskClient#find(String)}).
	 * @param batchId the batch id
	 * @param cursor {@code null} for the first page, then the {@link BatchMembers#cursor()} of
	 * the page before
	 * @param count about how many members a page holds, 1 to 1,000 (a small batch comes in one
	 * page)
	 * @return the members and where the next page starts
	 * @throws TaskNotFoundException if the batch is unknown or expired
	 * @throws IllegalArgumentException if the count is out of range or the cursor is not one
	 * a page gave
	 */
	BatchMembers members(String batchId, @Nullable String cursor, int count);

	/**
	 * A future completed with the batch once it ended (every member ended and it was sealed) or
	 * was cancelled.
	 * @param batchId the batch id
	 * @return the future
	 */
	CompletableFuture<BatchInfo> whenFinished(String batchId);

	/**
	 * Wait until a batch ended, at most the given time.
	 * @param batchId the batch id
	 * @param timeout how long to wait
	 * @return the batch
	 * @throws TaskAwaitTimeoutException if it did not end in time
	 */
	BatchInfo await(String batchId, Duration timeout);

	/**
	 * Cancel a batch: it ends {@link TaskStatus#REVOKED}, no callback runs, and its members that
	 * have not ended are revoked, or cancelled if they run.
	 * @param batchId the batch id
	 * @return {@code true} if it was running
	 */
	boolean cancel(String batchId);

}
