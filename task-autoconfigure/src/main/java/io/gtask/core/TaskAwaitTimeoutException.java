package io.gtask.core;

/**
 * Thrown when a task did not finish within the time a caller was willing to wait.
 */
public class TaskAwaitTimeoutException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public TaskAwaitTimeoutException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public TaskAwaitTimeoutException(String message, Throwable cause) {
		super(message, cause);
	}

}
