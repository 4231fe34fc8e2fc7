package io.gtask.core;

/**
 * Thrown by {@link TaskClient} when a task cannot be accepted, for example because Redis does not answer; the task was not queued.
 */
public class TaskSendException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public TaskSendException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public TaskSendException(String message, Throwable cause) {
		super(message, cause);
	}

}
