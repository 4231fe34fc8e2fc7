package io.gtask.core;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the encrypted arguments of a task message cannot be decrypted: their key is not
 * configured, they were altered or truncated, or encryption is not enabled. The task is known by
 * id and name, so it is recorded as failed with the reason.
 */
public class UndecryptableTaskMessageException extends MalformedTaskMessageException {

	private static final long serialVersionUID = 1L;

	private final String taskName;

	/**
	 * Create an exception.
	 * @param message why the arguments cannot be decrypted, naming the task and the key id
	 * @param taskId the task id
	 * @param taskName the task name
	 * @param cause the cause, if any
	 */
	public UndecryptableTaskMessageException(String message, String taskId, String taskName,
			@Nullable Throwable cause) {
		super(message, taskId, cause);
		this.taskName = taskName;
	}

	/**
	 * The name of the task whose arguments cannot be decrypted.
	 * @return the task name
	 */
	public String getTaskName() {
		return this.taskName;
	}

}
