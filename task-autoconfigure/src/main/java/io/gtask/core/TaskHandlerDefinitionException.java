package io.gtask.core;

/**
 * Thrown at startup when a {@link TaskHandler} method cannot be registered: a duplicate name or an unsupported signature.
 */
public class TaskHandlerDefinitionException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public TaskHandlerDefinitionException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public TaskHandlerDefinitionException(String message, Throwable cause) {
		super(message, cause);
	}

}
