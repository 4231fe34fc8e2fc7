package io.gtask.core;

/**
 * Thrown by {@link TaskContext#throwIfCancelled()} once the attempt was cancelled.
 */
public class TaskCancelledException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public TaskCancelledException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public TaskCancelledException(String message, Throwable cause) {
		super(message, cause);
	}

}
