package io.gtask.core;

/**
 * Thrown when the result of a task is asked for before the task finished.
 */
public class TaskNotFinishedException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public TaskNotFinishedException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public TaskNotFinishedException(String message, Throwable cause) {
		super(message, cause);
	}

}
