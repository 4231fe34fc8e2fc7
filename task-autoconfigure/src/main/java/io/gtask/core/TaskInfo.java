package io.gtask.core;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the result backend knows of a task.
 *
 * @param id the task id
 * @param name the task name
 * @param queue the queue the task was sent to
 * @param status the current state
 * @param result the result as JSON text, when {@link TaskStatus#SUCCESS}
 * @param error the last error, when the task failed or is waiting for a retry
 * @param attempts the number of attempts started so far
 * @param createdAt when the task was accepted
 * @param startedAt when its last attempt started
 * @param finishedAt when it finished
 * @param nextAttemptAt when its next attempt is due, when {@link TaskStatus#RETRY}
 * @param args the arguments as JSON text, when the backend keeps them
 * ({@code gtask.backend.store-arguments})
 * @param history the states the task went through, oldest first, at most
 * {@code gtask.backend.max-history} of the latest; empty when the backend keeps none
 * @param progress the latest progress the task reported, or {@code null}
 */
public record TaskInfo(String id, String name, String queue, TaskStatus status, @Nullable String result,
		@Nullable TaskError error, int attempts, Instant createdAt, @Nullable Instant startedAt,
		@Nullable Instant finishedAt, @Nullable Instant nextAttemptAt, @Nullable String args,
		List<TaskEvent> history, @Nullable TaskProgress progress) {

	/**
	 * Create the state of a task.
	 */
	public TaskInfo {
		history = List.copyOf(history);
	}

	/**
	 * Create the state of a task that reported no progress.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue the task was sent to
	 * @param status the current state
	 * @param result the result as JSON text, when {@link TaskStatus#SUCCESS}
	 * @param error the last error, when the task failed or is waiting for a retry
	 * @param attempts the number of attempts started so far
	 * @param createdAt when the task was accepted
	 * @param startedAt when its last attempt started
	 * @param finishedAt when it finished
	 * @param nextAttemptAt when its next attempt is due, when {@link TaskStatus#RETRY}
	 * @param args the arguments as JSON text, when the backend keeps them
	 * @param history the states the task went through, oldest first
	 */
	public TaskInfo(String id, String name, String queue, TaskStatus status, @Nullable String result,
			@Nullable TaskError error, int attempts, Instant createdAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt, @Nullable Instant nextAttemptAt, @Nullable String args,
			List<TaskEvent> history) {
		this(id, name, queue, status, result, error, attempts, createdAt, startedAt, finishedAt, nextAttemptAt, args,
				history, null);
	}

	/**
	 * The same state with the progress the task reported.
	 * @param progress the progress, or {@code null}
	 * @return the state
	 */
	public TaskInfo withProgress(@Nullable TaskProgress progress) {
		return new TaskInfo(this.id, this.name, this.queue, this.status, this.result, this.error, this.attempts,
				this.createdAt, this.startedAt, this.finishedAt, this.nextAttemptAt, this.args, this.history, progress);
	}

	/**
	 * Create the state of a task whose history is not kept.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue the task was sent to
	 * @param status the current state
	 * @param result the result as JSON text, when {@link TaskStatus#SUCCESS}
	 * @param error the last error, when the task failed or is waiting for a retry
	 * @param attempts the number of attempts started so far
	 * @param createdAt when the task was accepted
	 * @param startedAt when its last attempt started
	 * @param finishedAt when it finished
	 * @param nextAttemptAt when its next attempt is due, when {@link TaskStatus#RETRY}
	 * @param args the arguments as JSON text, when the backend keeps them
	 */
	public TaskInfo(String id, String name, String queue, TaskStatus status, @Nullable String result,
			@Nullable TaskError error, int attempts, Instant createdAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt, @Nullable Instant nextAttemptAt, @Nullable String args) {
		this(id, name, queue, status, result, error, attempts, createdAt, startedAt, finishedAt, nextAttemptAt, args,
				List.of(), null);
	}

	/**
	 * Create the state of a task whose arguments are not kept.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue the task was sent to
	 * @param status the current state
	 * @param result the result as JSON text, when {@link TaskStatus#SUCCESS}
	 * @param error the last error, when the task failed or is waiting for a retry
	 * @param attempts the number of attempts started so far
	 * @param createdAt when the task was accepted
	 * @param startedAt when its last attempt started
	 * @param finishedAt when it finished
	 * @param nextAttemptAt when its next attempt is due, when {@link TaskStatus#RETRY}
	 */
	public TaskInfo(String id, String name, String queue, TaskStatus status, @Nullable String result,
			@Nullable TaskError error, int attempts, Instant createdAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt, @Nullable Instant nextAttemptAt) {
		this(id, name, queue, status, result, error, attempts, createdAt, startedAt, finishedAt, nextAttemptAt,
				null);
	}

	/**
	 * Whether the task will not change state any more.
	 * @return {@code true} in a final state: {@link TaskStatus#SUCCESS},
	 * {@link TaskStatus#FAILURE}, {@link TaskStatus#REVOKED} or {@link TaskStatus#EXPIRED}
	 */
	public boolean isFinished() {
		return this.status.isFinished();
	}

}
