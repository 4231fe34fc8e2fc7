package io.gtask.core;

/**
 * Thrown when a task is sent with an id that is already in use.
 */
public class DuplicateTaskException extends TaskSendException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public DuplicateTaskException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public DuplicateTaskException(String message, Throwable cause) {
		super(message, cause);
	}

}
