package io.gtask.core;

/**
 * Thrown by a {@link TaskInterceptor} to refuse a task: the attempt fails and is not retried.
 */
public class TaskVetoedException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message why the task was refused
	 */
	public TaskVetoedException(String message) {
		super(message);
	}

}
