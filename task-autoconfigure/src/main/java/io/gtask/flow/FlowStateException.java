package io.gtask.flow;

import io.gtask.core.GTaskException;

/**
 * The state of a flow read from Redis is not what gtask writes: a field of the wrong form, a
 * missing node, a key of the wrong type. The flow ends FAILURE with this as its reason.
 */
public class FlowStateException extends GTaskException {

	/**
	 * Create an exception.
	 * @param message what is wrong, naming the flow
	 */
	public FlowStateException(String message) {
		super(message);
	}

	/**
	 * Create an exception.
	 * @param message what is wrong, naming the flow
	 * @param cause the cause
	 */
	public FlowStateException(String message, Throwable cause) {
		super(message, cause);
	}

}
