package io.gtask.core;

/**
 * Base class of the exceptions gtask throws.
 */
public class GTaskException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public GTaskException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public GTaskException(String message, Throwable cause) {
		super(message, cause);
	}

}
