package io.gtask.core;

/**
 * The error of a task whose message the worker cannot make fit its handler's version: a version
 * header that is not a version, arguments that no upcaster turns or whose upcaster failed, or a
 * message of a newer version that no worker of that version took in time.
 *
 * @see TaskHandler#version()
 * @see TaskUpcaster
 */
public class TaskVersionException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public TaskVersionException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a message and a cause.
	 * @param message the message
	 * @param cause the cause
	 */
	public TaskVersionException(String message, Throwable cause) {
		super(message, cause);
	}

}
