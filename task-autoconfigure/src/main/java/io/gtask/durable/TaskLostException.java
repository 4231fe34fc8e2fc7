package io.gtask.durable;

import io.gtask.core.GTaskException;

/**
 * The error recorded for a task the reaper found lost and marked FAILURE.
 */
public class TaskLostException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public TaskLostException(String message) {
		super(message);
	}

}
