package io.gtask.core;

/**
 * The error recorded for a task that was revoked before it started or cancelled while it ran.
 */
public class TaskRevokedException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public TaskRevokedException(String message) {
		super(message);
	}

}
