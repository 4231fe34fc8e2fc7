package io.gtask.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where the state of batches lives: counts, callbacks, members and how each ended. Every method
 * is atomic on one batch, so that the member that ends it is known once.
 */
public interface BatchStore {

	/**
	 * Record a new batch, running, with no member yet.
	 * @param batchId the batch id
	 * @param queue the queue its record names
	 * @param description what it is, or {@code null}
	 * @param sealed whether no more members come after the first ones
	 * @param onComplete the callback sent once it ended, as a stored flow node, or {@code null}
	 * @param onSuccess the callback sent once it succeeded, as a stored flow node, or {@code null}
	 * @param createdAt when it was started
	 * @param timeToLive how long its state is kept while it runs
	 */
	void create(String batchId, String queue, @Nullable String description, boolean sealed,
			@Nullable String onComplete, @Nullable String onSuccess, Instant createdAt, Duration timeToLive);

	/**
	 * Add members to a batch that runs.
	 * @param batchId the batch id
	 * @param taskIds the members' ids
	 * @return the batch's total, or {@code null} if it is unknown or no longer runs
	 */
	@Nullable Long add(String batchId, List<String> taskIds);

	/**
	 * Count a member as ended, once, and end the batch if it was the last.
	 * @param batchId the batch id
	 * @param taskId the member
	 * @param succeeded whether it succeeded
	 * @param now the time
	 * @param timeToLive how long an ended batch is kept
	 * @return how the batch stands, or {@code null} if it is unknown or the task is not a member
	 */
	@Nullable Standing member(String batchId, String taskId, boolean succeeded, Instant now, Duration timeToLive);

	/**
	 * Seal a batch, and end it if no member is left.
	 * @param batchId the batch id
	 * @param now the time
	 * @param timeToLive how long an ended batch is kept
	 * @return how the batch stands, or {@code null} if it is unknown
	 */
	@Nullable Standing seal(String batchId, Instant now, Duration timeToLive);

	/**
	 * Cancel a batch that runs.
	 * @param batchId the batch id
	 * @param now the time
	 * @param timeToLive how long it is kept
	 * @return its members that had not ended, or {@code null} if it did not run
	 */
	@Nullable List<String> cancel(String batchId, Instant now, Duration timeToLive);

	/**
	 * Mark a callback of a batch as sent.
	 * @param batchId the batch id
	 * @param kind {@code complete} or {@code success}
	 * @return whether it is marked now for the first time
	 */
	boolean beginCallback(String batchId, String kind);

	/**
	 * Read fields of a batch.
	 * @param batchId the batch id
	 * @param names the fields
	 * @return their values, {@code null} where there is none
	 */
	List<@Nullable String> fields(String batchId, List<String> names);

	/**
	 * Read everything kept of a batch.
	 * @param batchId the batch id
	 * @return its fields, empty if it is unknown
	 */
	Map<String, String> read(String batchId);

	/**
	 * Read some of the members of a batch, from a cursor of the store's own.
	 * @param batchId the batch id
	 * @param cursor {@code 0} first, then the cursor returned
	 * @param count about how many to read
	 * @return the members read and the next cursor, {@code 0} after the last
	 */
	MemberPage members(String batchId, long cursor, int count);

	/**
	 * Some members of a batch.
	 *
	 * @param taskIds the members' ids
	 * @param cursor where to read on, {@code 0} after the last
	 */
	record MemberPage(List<String> taskIds, long cursor) {

	}

	/**
	 * How a batch stands after a change.
	 *
	 * @param state {@code RUNNING}, {@code SUCCESS}, {@code FAILURE} or {@code REVOKED}
	 * @param total the members added
	 * @param succeeded the members that succeeded
	 * @param failed the members that failed
	 * @param createdAt when it was started, once it ended
	 * @param endedNow whether this change ended it
	 */
	record Standing(String state, long total, long succeeded, long failed, Instant createdAt, boolean endedNow) {

		/**
		 * Whether every member ended and it was sealed.
		 * @return whether it ended (not cancelled)
		 */
		public boolean ended() {
			return "SUCCESS".equals(this.state) || "FAILURE".equals(this.state);
		}

	}

}
