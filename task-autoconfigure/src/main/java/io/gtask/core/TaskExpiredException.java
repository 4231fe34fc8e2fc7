package io.gtask.core;

/**
 * The error recorded for a task that was not started before its expiry time.
 */
public class TaskExpiredException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public TaskExpiredException(String message) {
		super(message);
	}

}
