package io.gtask.core;

/**
 * A key that gtask keeps for a queue but that holds a value of another Redis type, written there
 * by something else: the part of the queue that needs it cannot work until the key is deleted or
 * renamed, while the rest goes on.
 *
 * @param queue the queue
 * @param key the key
 * @param type the type the key holds
 * @param expected the type gtask keeps there
 */
public record KeyTypeProblem(String queue, String key, String type, String expected) {

	/**
	 * Describe the problem in a sentence.
	 * @return the description
	 */
	public String describe() {
		return "Key '" + this.key + "' of queue '" + this.queue + "' holds a " + this.type + ", where gtask keeps a "
				+ this.expected;
	}

}
