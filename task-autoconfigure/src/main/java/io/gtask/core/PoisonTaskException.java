package io.gtask.core;

/**
 * The error of a task whose message was delivered more than {@code gtask.worker.max-deliveries}
 * times without finishing, typically because it kills its worker each time.
 */
public class PoisonTaskException extends GTaskException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception with a message.
	 * @param message the message
	 */
	public PoisonTaskException(String message) {
		super(message);
	}

}
