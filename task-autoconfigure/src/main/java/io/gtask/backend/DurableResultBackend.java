package io.gtask.backend;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A {@link ResultBackend} that can be the system of record of tasks: it keeps the message each
 * task was sent with ({@link NewTask#payload()}), so that tasks lost by the broker can be sent
 * again.
 */
public interface DurableResultBackend extends ResultBackend {

	/**
	 * Tasks not finished (PENDING, STARTED or RETRY) whose state has not changed since before
	 * {@code olderThan} and that were not due after it: candidates for a task lost by the broker
	 * or stuck. Only tasks kept with their message are returned, ordered by last change and
	 * then id, starting after {@code after}, so that a caller can page through them.
	 * @param olderThan the time before which the last change must be
	 * @param after the last task of the previous page, or {@code null} for the first page
	 * @param limit the most tasks to return
	 * @return the tasks
	 */
	List<StoredTask> findStale(Instant olderThan, @Nullable StoredTask after, int limit);

	/**
	 * A task with the message it was sent with.
	 * @param id the task id
	 * @return the task, or empty if the id is unknown or expired
	 */
	Optional<StoredTask> findStored(String id);

	/**
	 * Apply a change only if the task is still as it was read: in the same state, last changed
	 * at the same time. A task that was read as stale and then moved on (a worker recorded its
	 * outcome, or another reaper sent it again) is left alone.
	 * @param read the task as it was read
	 * @param change the change
	 * @return whether the change was written
	 */
	boolean updateIfUnchanged(StoredTask read, TaskStateChange change);

	/**
	 * Whether what this backend writes now on the calling thread joins the Spring-managed
	 * transaction that thread runs in, so that it is kept if and only if that transaction
	 * commits: then a task sent in the transaction is recorded in it (an outbox), and queued
	 * after the commit, or by the reaper if the process dies first.
	 * @return whether writes join the current transaction; {@code false} by default
	 */
	default boolean joinsCurrentTransaction() {
		return false;
	}

}
