package io.gtask.backend;

import java.time.Instant;

import io.gtask.core.TaskError;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;

/**
 * A change of a task's state, written by the consumer container.
 *
 * @param id the task id
 * @param name the task name
 * @param queue the queue
 * @param status the new state
 * @param at when the change happened
 * @param attempts the number of attempts started so far
 * @param result the result as JSON text, for {@link TaskStatus#SUCCESS}
 * @param error the error, for {@link TaskStatus#RETRY} and {@link TaskStatus#FAILURE}
 * @param nextAttemptAt when the next attempt is due, for {@link TaskStatus#RETRY}
 * @param startedAt when the attempt started, if this change also records that
 */
public record TaskStateChange(String id, String name, String queue, TaskStatus status, Instant at, int attempts,
		@Nullable String result, @Nullable TaskError error, @Nullable Instant nextAttemptAt,
		@Nullable Instant startedAt) {

	/**
	 * The same change, also recording when its attempt started, so that a STARTED change and
	 * the outcome that follows it can be written as one.
	 * @param startedAt when the attempt started
	 * @return the merged change
	 */
	public TaskStateChange withStartedAt(Instant startedAt) {
		return new TaskStateChange(this.id, this.name, this.queue, this.status, this.at, this.attempts, this.result,
				this.error, this.nextAttemptAt, startedAt);
	}

	/**
	 * A task was queued again, as a new first attempt.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param at when
	 * @return the change
	 */
	public static TaskStateChange requeued(String id, String name, String queue, Instant at) {
		return new TaskStateChange(id, name, queue, TaskStatus.PENDING, at, 0, null, null, null, null);
	}

	/**
	 * The handler of a manual-commit attempt returned without committing: the task stays
	 * STARTED, and the change tells only that it was seen alive at that time, so that the
	 * reaper's timeout counts from the handler's return. It adds no event to the history.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param at when the handler returned
	 * @param attempt the attempt number
	 * @param startedAt when the attempt started
	 * @return the change
	 */
	public static TaskStateChange awaitingCommit(String id, String name, String queue, Instant at, int attempt,
			Instant startedAt) {
		return new TaskStateChange(id, name, queue, TaskStatus.STARTED, at, attempt, null, null, null, startedAt);
	}

	/**
	 * A task attempt started.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param at when
	 * @param attempt the attempt number
	 * @return the change
	 */
	public static TaskStateChange started(String id, String name, String queue, Instant at, int attempt) {
		return new TaskStateChange(id, name, queue, TaskStatus.STARTED, at, attempt, null, null, null, at);
	}

	/**
	 * A task succeeded.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param at when
	 * @param attempt the attempt number
	 * @param result the result as JSON text
	 * @return the change
	 */
	public static TaskStateChange success(String id, String name, String queue, Instant at, int attempt,
			String result) {
		return new TaskStateChange(id, name, queue, TaskStatus.SUCCESS, at, attempt, result, null, null, null);
	}

	/**
	 * A task attempt failed and another is scheduled.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param at when
	 * @param attempt the attempt number
	 * @param error the error
	 * @param nextAttemptAt when the next attempt is due
	 * @return the change
	 */
	public static TaskStateChange retry(String id, String name, String queue, Instant at, int attempt,
			TaskError error, Instant nextAttemptAt) {
		return new TaskStateChange(id, name, queue, TaskStatus.RETRY, at, attempt, null, error, nextAttemptAt, null);
	}

	/**
	 * A task failed for good.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param at when
	 * @param attempt the attempt number
	 * @param error the error
	 * @return the change
	 */
	public static TaskStateChange failure(String id, String name, String queue, Instant at, int attempt,
			TaskError error) {
		return new TaskStateChange(id, name, queue, TaskStatus.FAILURE, at, attempt, null, error, null, null);
	}

	/**
	 * A running task was cancelled on request.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param at when
	 * @param attempt the attempt number
	 * @param error why
	 * @return the change
	 */
	public static TaskStateChange revoked(String id, String name, String queue, Instant at, int attempt,
			TaskError error) {
		return new TaskStateChange(id, name, queue, TaskStatus.REVOKED, at, attempt, null, error, null, null);
	}

	/**
	 * A task was not started before its expiry time.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param at when
	 * @param attempt the attempt number that did not start
	 * @param error why
	 * @return the change
	 */
	public static TaskStateChange expired(String id, String name, String queue, Instant at, int attempt,
			TaskError error) {
		return new TaskStateChange(id, name, queue, TaskStatus.EXPIRED, at, attempt, null, error, null, null);
	}

}
