package io.gtask.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The running attempt of a task, injected into a {@link TaskHandler} method that declares a
 * parameter of this type.
 * <p>
 * A handler that runs for long should check {@link #isCancelled()} (or respond to thread
 * interruption): when its timeout passes the attempt is failed, the thread is interrupted and
 * the context is cancelled, and nothing the handler does afterwards changes the task.
 */
public interface TaskContext {

	/**
	 * Id of the task.
	 * @return the id
	 */
	String id();

	/**
	 * Name of the task.
	 * @return the name
	 */
	String name();

	/**
	 * Queue the task was fetched from.
	 * @return the queue
	 */
	String queue();

	/**
	 * The batch the task is a member of ({@link TaskBatches}), so that a member can add more
	 * tasks to its own batch while it runs.
	 * @return the batch id, or {@code null} if the task is not a member of a batch
	 */
	default @Nullable String batchId() {
		return null;
	}

	/**
	 * Number of this attempt, starting at 1.
	 * @return the attempt number
	 */
	int attempt();

	/**
	 * Number of retries allowed after the first attempt.
	 * @return the retry limit
	 */
	int maxRetries();

	/**
	 * When this attempt times out.
	 * @return the deadline
	 */
	Instant deadline();

	/**
	 * Whether this attempt was cancelled, for example because its timeout passed.
	 * @return {@code true} once cancelled
	 */
	boolean isCancelled();

	/**
	 * Throw when this attempt was cancelled, as a convenient check in loops.
	 * @throws TaskCancelledException if the attempt was cancelled
	 */
	default void throwIfCancelled() {
		if (isCancelled()) {
			throw new TaskCancelledException("Task '" + name() + "' (" + id() + ") was cancelled");
		}
	}

	/**
	 * Whether the handler commits the outcome of this task itself
	 * ({@link TaskHandler#manualCommit()}).
	 * @return whether it does
	 */
	boolean isManualCommit();

	/**
	 * Commit the task as done with this result. Only for manual-commit handlers; may be called
	 * once, during or after the handler's invocation, from any thread.
	 * @param result the result, written as JSON
	 * @throws IllegalStateException if the handler commits automatically or the task was
	 * committed or finished already
	 */
	void commit(@Nullable Object result);

	/**
	 * Commit the task as failed, without retry. Only for manual-commit handlers.
	 * @param error why it failed
	 * @throws IllegalStateException if the handler commits automatically or the task was
	 * committed or finished already
	 */
	void commitFailure(Throwable error);

	/**
	 * Put the task back into its queue, to be fetched again, as PENDING. Only for
	 * manual-commit handlers.
	 * @throws IllegalStateException if the handler commits automatically or the task was
	 * committed or finished already
	 */
	void commitRequeue();

	/**
	 * Report how far this attempt got, for callers that read or follow the task
	 * ({@link TaskClient#onProgress(String, java.util.function.Consumer)}), the task's
	 * {@link TaskInfo#progress()} and the dashboard. Reports are written at most every 200 ms;
	 * the latest one of a shorter interval is written at its end. A report that cannot be
	 * written (Redis away) is dropped; it never fails the task.
	 * @param fraction the part done, from 0 to 1
	 * @throws IllegalArgumentException if the fraction is not from 0 to 1
	 */
	default void progress(double fraction) {
		progress(fraction, null, null);
	}

	/**
	 * Report how far this attempt got, and what it is doing.
	 * @param fraction the part done, from 0 to 1
	 * @param message what it is doing, at most {@value TaskProgress#MAX_MESSAGE_LENGTH} characters
	 * @throws IllegalArgumentException if the fraction is not from 0 to 1 or the message is too long
	 * @see #progress(double)
	 */
	default void progress(double fraction, @Nullable String message) {
		progress(fraction, message, null);
	}

	/**
	 * Report how far this attempt got, what it is doing, and a small detail written as JSON.
	 * @param fraction the part done, from 0 to 1
	 * @param message what it is doing, at most {@value TaskProgress#MAX_MESSAGE_LENGTH} characters
	 * @param detail a value written as JSON, at most {@value TaskProgress#MAX_DETAIL_LENGTH}
	 * characters of it
	 * @throws IllegalArgumentException if the fraction is not from 0 to 1, the message or the
	 * detail is too long, or the detail cannot be written as JSON
	 * @see #progress(double)
	 */
	void progress(double fraction, @Nullable String message, @Nullable Object detail);

}
