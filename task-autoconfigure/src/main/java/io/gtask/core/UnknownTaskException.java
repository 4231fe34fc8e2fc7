package io.gtask.core;

/**
 * The error of a task whose name no handler is registered for.
 */
public class UnknownTaskException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public UnknownTaskException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public UnknownTaskException(String message, Throwable cause) {
		super(message, cause);
	}

}
