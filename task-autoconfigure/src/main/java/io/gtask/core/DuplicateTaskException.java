package io.gtask.core;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a task is sent with an id that is already in use, or with a uniqueness key that
 * another queued or running task holds.
 */
public class DuplicateTaskException extends TaskSendException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String existingTaskId;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public DuplicateTaskException(String message) {
		this(message, (String) null);
	}

	/**
	 * Create an exception with a message and the id of the task that was there first.
	 * @param message the message
	 * @param existingTaskId the id of the existing task, or {@code null}
	 */
	public DuplicateTaskException(String message, @Nullable String existingTaskId) {
		super(message);
		this.existingTaskId = existingTaskId;
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public DuplicateTaskException(String message, Throwable cause) {
		super(message, cause);
		this.existingTaskId = null;
	}

	/**
	 * The id of the task that holds the id or uniqueness key.
	 * @return the id, or {@code null} if unknown
	 */
	public @Nullable String getExistingTaskId() {
		return this.existingTaskId;
	}

}
