package io.gtask.backend;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.gtask.core.TaskInfo;

/**
 * Stores the state, result and error of tasks.
 * <p>
 * Methods take batches so that an implementation can write them in one round trip. A task
 * expires the time to live the implementation was configured with after it ends (a finished
 * state is written); an unfinished task does not expire while it waits or runs.
 */
public interface ResultBackend {

	/**
	 * Record sent tasks as PENDING, unless their id is already known. Returns at once; the
	 * future tells when the tasks are recorded, so a sender can queue their messages meanwhile.
	 * @param tasks the tasks
	 * @return a future of the ids of exclusive tasks that were not recorded because their id is
	 * already known (empty when all were recorded)
	 */
	CompletableFuture<List<String>> create(List<NewTask> tasks);

	/**
	 * Apply state changes, in order.
	 * @param changes the changes
	 */
	void update(List<TaskStateChange> changes);

	/**
	 * Read a task.
	 * @param id the task id
	 * @return the task, or empty if the id is unknown or expired
	 */
	Optional<TaskInfo> find(String id);

	/**
	 * Forget a task, for example one whose message could not be queued.
	 * @param id the task id
	 */
	void delete(String id);

	/**
	 * A future completed once the task is finished, or exceptionally with
	 * {@link io.gtask.core.TaskNotFoundException} if the id is unknown.
	 * @param id the task id
	 * @return the future
	 */
	CompletableFuture<TaskInfo> whenFinished(String id);

	/**
	 * Mark a task {@link io.gtask.core.TaskStatus#REVOKED} if it has not started: it is
	 * {@link io.gtask.core.TaskStatus#PENDING} or waits for a retry. Waiting callers are told.
	 * @param id the task id
	 * @param at when it was revoked
	 * @return {@code true} if the task was marked, {@code false} if it is unknown, running or
	 * finished
	 */
	boolean revoke(String id, java.time.Instant at);

	/**
	 * Whether this backend keeps its records in the broker's own store, as the Redis backend
	 * does on the Redis of the Redis broker. A sender that could not record a task then knows
	 * that the store of both is unavailable and says so, rather than blaming the backend alone.
	 * @return {@code false} unless the backend shares the broker's store
	 */
	default boolean sharesStoreWithBroker() {
		return false;
	}

}
