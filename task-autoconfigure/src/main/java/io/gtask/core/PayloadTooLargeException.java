package io.gtask.core;

/**
 * Thrown when a task message is larger than {@code gtask.message.max-payload-size}; the task was not queued.
 */
public class PayloadTooLargeException extends TaskSendException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public PayloadTooLargeException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public PayloadTooLargeException(String message, Throwable cause) {
		super(message, cause);
	}

}
