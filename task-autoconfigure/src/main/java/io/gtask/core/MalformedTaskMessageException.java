package io.gtask.core;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when bytes read from the broker are not a valid task message.
 */
public class MalformedTaskMessageException extends GTaskException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String taskId;

	/**
	 * Create an exception.
	 * @param message what is wrong with the message
	 * @param taskId the task id, if it could be read
	 * @param cause the cause, if any
	 */
	public MalformedTaskMessageException(String message, @Nullable String taskId, @Nullable Throwable cause) {
		super(message, cause);
		this.taskId = taskId;
	}

	/**
	 * The task id, when the message was readable enough to tell it.
	 * @return the id or {@code null}
	 */
	public @Nullable String getTaskId() {
		return this.taskId;
	}

}
