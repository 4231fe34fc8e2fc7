package io.gtask.core;

/**
 * The error of a task attempt that ran past its timeout.
 */
public class TaskTimeoutException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public TaskTimeoutException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public TaskTimeoutException(String message, Throwable cause) {
		super(message, cause);
	}

}
