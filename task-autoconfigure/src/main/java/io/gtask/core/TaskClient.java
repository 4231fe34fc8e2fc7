package io.gtask.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;

/**
 * Sends tasks and reads their state and results.
 * <p>
 * The methods that read a task throw {@link TaskNotFoundException} for an id the result
 * backend does not know, so a mistyped or expired id is never mistaken for a task that is still
 * waiting.
 */
public interface TaskClient {

	/**
	 * Send a task with the default options of its handler.
	 * @param name the task name
	 * @param args the arguments, bound by position to the handler's parameters
	 * @return the task id
	 * @throws TaskSendException if the task could not be queued
	 */
	String send(String name, @Nullable Object... args);

	/**
	 * Send a task with per-send options.
	 * @param request the request
	 * @return the task id
	 * @throws DuplicateTaskException if the request names an id already in use, or a uniqueness
	 * key another queued or running task holds, unless it asks for the existing task
	 * @throws TaskSendException if the task could not be queued
	 */
	String send(TaskRequest request);

	/**
	 * Send several tasks in as few round trips to Redis as possible.
	 * @param requests the requests
	 * @return the task ids, in the order of the requests
	 * @throws TaskSendException if the tasks could not be queued
	 */
	List<String> sendAll(List<TaskRequest> requests);

	/**
	 * Read the state of a task.
	 * @param id the task id
	 * @return the state
	 * @throws TaskNotFoundException if the id is unknown
	 */
	TaskStatus status(String id);

	/**
	 * Read all that is known of a task.
	 * @param id the task id
	 * @return the task info
	 * @throws TaskNotFoundException if the id is unknown
	 */
	TaskInfo info(String id);

	/**
	 * Read all that is known of a task, if anything.
	 * @param id the task id
	 * @return the task info, or empty if the id is unknown
	 */
	Optional<TaskInfo> find(String id);

	/**
	 * Read the result of a finished task, converted to the given type.
	 * @param <T> the result type
	 * @param id the task id
	 * @param type the result type
	 * @return the result, {@code null} if the handler returned {@code null} or nothing
	 * @throws TaskNotFoundException if the id is unknown
	 * @throws TaskNotFinishedException if the task has not finished
	 * @throws TaskFailedException if the task failed
	 */
	<T> @Nullable T result(String id, Class<T> type);

	/**
	 * Read the result of a finished task, converted to a generic type, such as
	 * {@code new ParameterizedTypeReference<List<Invoice>>() {}}.
	 * @param <T> the result type
	 * @param id the task id
	 * @param type the result type
	 * @return the result, {@code null} if the handler returned {@code null} or nothing
	 * @throws TaskNotFoundException if the id is unknown
	 * @throws TaskNotFinishedException if the task has not finished
	 * @throws TaskFailedException if the task failed
	 */
	<T> @Nullable T result(String id, ParameterizedTypeReference<T> type);

	/**
	 * Wait until a task finishes, at most the given time.
	 * @param id the task id
	 * @param timeout how long to wait
	 * @return the task info, in a final state ({@link TaskStatus#isFinished()})
	 * @throws TaskNotFoundException if the id is unknown
	 * @throws TaskAwaitTimeoutException if the task did not finish in time
	 */
	TaskInfo awaitCompletion(String id, Duration timeout);

	/**
	 * Wait until a task finishes, at most the given time, and return its result.
	 * @param <T> the result type
	 * @param id the task id
	 * @param timeout how long to wait
	 * @param type the result type
	 * @return the result
	 * @throws TaskNotFoundException if the id is unknown
	 * @throws TaskAwaitTimeoutException if the task did not finish in time
	 * @throws TaskFailedException if the task failed
	 */
	<T> @Nullable T await(String id, Duration timeout, Class<T> type);

	/**
	 * Wait until a task finishes, at most the given time, and return its result converted to a
	 * generic type.
	 * @param <T> the result type
	 * @param id the task id
	 * @param timeout how long to wait
	 * @param type the result type
	 * @return the result
	 * @throws TaskNotFoundException if the id is unknown
	 * @throws TaskAwaitTimeoutException if the task did not finish in time
	 * @throws TaskFailedException if the task failed
	 */
	<T> @Nullable T await(String id, Duration timeout, ParameterizedTypeReference<T> type);

	/**
	 * A future completed when the task finishes (successfully or not), or completed
	 * exceptionally with {@link TaskNotFoundException} for an unknown id.
	 * @param id the task id
	 * @return the future task info
	 */
	CompletableFuture<TaskInfo> whenFinished(String id);

	/**
	 * A future of the task's result: completed with the result on success, exceptionally with
	 * {@link TaskFailedException} on failure or {@link TaskNotFoundException} for an unknown id.
	 * @param <T> the result type
	 * @param id the task id
	 * @param type the result type
	 * @return the future result
	 */
	<T> CompletableFuture<@Nullable T> resultAsync(String id, Class<T> type);

	/**
	 * A future of the task's result converted to a generic type.
	 * @param <T> the result type
	 * @param id the task id
	 * @param type the result type
	 * @return the future result
	 * @see #resultAsync(String, Class)
	 */
	<T> CompletableFuture<@Nullable T> resultAsync(String id, ParameterizedTypeReference<T> type);

	/**
	 * Revoke a task that has not started: it never runs and ends {@link TaskStatus#REVOKED}.
	 * A task fetched by a worker at the very moment it is revoked may start; it is then
	 * cancelled as by {@link #cancel(String)}.
	 * @param id the task id
	 * @return {@code true} if the task was revoked, {@code false} if it had already started or
	 * finished
	 * @throws TaskNotFoundException if the id is unknown
	 */
	boolean revoke(String id);

	/**
	 * Revoke a task that has not started, or ask the worker running it to cancel it: its
	 * {@link TaskContext} is cancelled and its thread interrupted, and it ends
	 * {@link TaskStatus#REVOKED} without retry.
	 * @param id the task id
	 * @return {@code true} if the task was revoked or its cancellation requested, {@code false}
	 * if it had already finished
	 * @throws TaskNotFoundException if the id is unknown
	 */
	boolean cancel(String id);

	/**
	 * Send a task again by id, whatever its state: its recorded message is queued as a new
	 * first attempt and the task is PENDING again. Needs durable mode, in which the result
	 * backend keeps the message of each task.
	 * @param id the task id
	 * @throws TaskNotFoundException if the id is unknown
	 * @throws GTaskException if the backend keeps no message for the task
	 */
	void repush(String id);

	/**
	 * Chains, groups, chords: start flows of tasks and read or cancel them. The id of a flow is
	 * a task id, so the methods of this client that read a task read a flow's state and result.
	 * @return the flows
	 * @throws GTaskException if flows are not available (they need gtask's Redis broker)
	 */
	TaskFlows flows();

	/**
	 * Batches: many tasks sent as one, counted as they end, with callbacks that run once. The
	 * id of a batch is a task id, so the methods of this client that read a task read a batch's
	 * state.
	 * @return the batches
	 * @throws GTaskException if batches are not available (they need gtask's Redis broker)
	 */
	TaskBatches batches();

	/**
	 * Follow the progress a running task reports ({@link TaskContext#progress(double)}): the
	 * listener is called with the latest report at once if there is one, then with each report
	 * as it is written, on a thread of gtask's, until the subscription is closed. Reports may be
	 * skipped (they are written at most every 200 ms), never reordered; the final state of a task
	 * is read with {@link #whenFinished(String)}.
	 * @param id the task id
	 * @param listener called with each report
	 * @return the subscription, to close when done
	 * @throws GTaskException if progress is not kept (it needs gtask's Redis broker)
	 */
	AutoCloseable onProgress(String id, java.util.function.Consumer<TaskProgress> listener);

}
