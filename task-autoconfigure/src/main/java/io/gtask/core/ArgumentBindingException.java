package io.gtask.core;

/**
 * The error of a task whose arguments do not bind to the parameters of its handler.
 */
public class ArgumentBindingException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public ArgumentBindingException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public ArgumentBindingException(String message, Throwable cause) {
		super(message, cause);
	}

}
