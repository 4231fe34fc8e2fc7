package io.gtask.core;

import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * The rules every task message keeps: what a sender may send and what a worker accepts from
 * its queue are checked by the same rules, so that a message written into Redis by anything
 * else is held to what {@link TaskClient#send(TaskRequest)} would have allowed.
 * <p>
 * The lengths are those the result backends hold.
 */
public final class TaskMessageRules {

	/**
	 * The most characters of a task id.
	 */
	public static final int MAX_ID_LENGTH = 200;

	/**
	 * The most characters of a task name.
	 */
	public static final int MAX_NAME_LENGTH = 200;

	/**
	 * How much larger than the sending limit a message read from a queue may be.
	 */
	static final int RECEIVED_SLACK_BYTES = 4096;

	/**
	 * The most characters of a queue name.
	 */
	public static final int MAX_QUEUE_LENGTH = 100;

	/**
	 * The longest group key, in characters.
	 */
	public static final int MAX_GROUP_LENGTH = 200;

	/**
	 * The most bytes of a message when nothing else is configured
	 * ({@code gtask.message.max-payload-size}).
	 */
	public static final DataSize DEFAULT_MAX_PAYLOAD_SIZE = DataSize.ofKilobytes(512);

	private static final int SHOWN_LENGTH = 60;

	private TaskMessageRules() {
	}

	/**
	 * What is wrong with a task id.
	 * @param id the id
	 * @return what is wrong, or {@code null} if it is a valid id
	 */
	public static @Nullable String idProblem(String id) {
		if (id.isBlank() || id.length() > MAX_ID_LENGTH || hasControlCharacters(id)) {
			return "Invalid task id " + shown(id) + ": use 1 to " + MAX_ID_LENGTH
					+ " characters, not all white space, without control characters";
		}
		return null;
	}

	/**
	 * What is wrong with a task name.
	 * @param name the name
	 * @return what is wrong, or {@code null} if it is a valid name
	 */
	public static @Nullable String nameProblem(String name) {
		if (name.isBlank() || name.length() > MAX_NAME_LENGTH || hasControlCharacters(name)) {
			return "Invalid task name " + shown(name) + ": use 1 to " + MAX_NAME_LENGTH
					+ " characters, not all white space, without control characters";
		}
		return null;
	}

	/**
	 * What is wrong with a queue name, which is part of Redis keys.
	 * @param queue the name
	 * @return what is wrong, or {@code null} if it is a valid name
	 */
	public static @Nullable String queueProblem(String queue) {
		if (queue.isEmpty() || queue.length() > MAX_QUEUE_LENGTH || queue.indexOf('{') >= 0 || queue.indexOf('}') >= 0
				|| queue.chars().anyMatch((c) -> Character.isWhitespace(c) || Character.isISOControl(c))) {
			return "Invalid queue name " + shown(queue) + ": use 1 to " + MAX_QUEUE_LENGTH
					+ " characters without braces, white space or control characters";
		}
		return null;
	}

	/**
	 * What is wrong with a group key, which is part of Redis keys.
	 * @param group the group key
	 * @return what is wrong, or {@code null} if it is a valid group key
	 */
	public static @Nullable String groupProblem(String group) {
		if (group.isBlank() || group.length() > MAX_GROUP_LENGTH || hasControlCharacters(group)) {
			return "Invalid group " + shown(group) + ": use 1 to " + MAX_GROUP_LENGTH
					+ " characters, not all white space, without control characters";
		}
		return null;
	}

	/**
	 * What is wrong with the size of a message.
	 * @param bytes the size of the message in bytes
	 * @param maxPayloadSize the largest message allowed
	 * @return what is wrong, or {@code null} if the message is small enough
	 */
	public static @Nullable String sizeProblem(long bytes, DataSize maxPayloadSize) {
		if (bytes > maxPayloadSize.toBytes()) {
			return bytes + " bytes as a message, over the limit of " + maxPayloadSize.toBytes()
					+ " bytes (gtask.message.max-payload-size)";
		}
		return null;
	}

	/**
	 * Check a task id.
	 * @param id the id
	 * @return the id
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public static String validId(String id) {
		return valid(id, idProblem(id));
	}

	/**
	 * Check a task name.
	 * @param name the name
	 * @return the name
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public static String validName(String name) {
		return valid(name, nameProblem(name));
	}

	/**
	 * Check a queue name.
	 * @param queue the name
	 * @return the name
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public static String validQueue(String queue) {
		return valid(queue, queueProblem(queue));
	}

	/**
	 * Check a group key.
	 * @param group the group key
	 * @return the group key
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public static String validGroup(String group) {
		return valid(group, groupProblem(group));
	}

	/**
	 * Check a message read from a queue against the rules a sender keeps: its id, name and
	 * queue, that it belongs to the queue it was read from, and its size.
	 * @param message the message as decoded
	 * @param queue the queue it was read from
	 * @param bytes its size in bytes
	 * @param maxPayloadSize the largest message allowed
	 * @throws MalformedTaskMessageException naming what is wrong, with the task id only if it
	 * is a valid one
	 */
	public static void checkReceived(TaskMessage message, String queue, long bytes, DataSize maxPayloadSize) {
		// a message re-encoded for its retry (a higher attempt, headers) may outgrow what was sent a little
		check(message, queue,
				(bytes > maxPayloadSize.toBytes() + RECEIVED_SLACK_BYTES) ? sizeProblem(bytes, maxPayloadSize) : null);
	}

	private static void check(TaskMessage message, String queue, @Nullable String sizeProblem) {
		String idProblem = idProblem(message.id());
		String problem = (idProblem != null) ? idProblem : nameProblem(message.name());
		if (problem == null) {
			problem = queueProblem(message.queue());
		}
		if (problem == null && message.group() != null) {
			problem = groupProblem(message.group());
		}
		if (problem == null && !message.queue().equals(queue)) {
			problem = "Message of queue " + shown(message.queue()) + " was found in queue '" + queue + "'";
		}
		if (problem == null && sizeProblem != null) {
			problem = "Message is " + sizeProblem;
		}
		if (problem != null) {
			String id = (idProblem == null) ? message.id() : null;
			throw new MalformedTaskMessageException("Task message " + ((id != null) ? id + " " : "")
					+ "breaks the rules of sending: " + problem, id, null);
		}
	}

	/**
	 * Whether a text has control characters, such as U+0000, which some databases refuse.
	 * @param text the text
	 * @return whether it has any
	 */
	public static boolean hasControlCharacters(String text) {
		return text.chars().anyMatch(Character::isISOControl);
	}

	private static String valid(String value, @Nullable String problem) {
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
		return value;
	}

	/**
	 * A value as it can be shown in a message: quoted, control characters escaped, and cut
	 * short with its length when it is long.
	 */
	private static String shown(String value) {
		StringBuilder shown = new StringBuilder("'");
		value.codePoints().limit(SHOWN_LENGTH).forEach((c) -> {
			if (Character.isISOControl(c)) {
				shown.append(String.format("\\u%04x", c));
			}
			else {
				shown.appendCodePoint(c);
			}
		});
		shown.append('\'');
		if (value.length() > SHOWN_LENGTH) {
			shown.append("... (").append(value.length()).append(" characters)");
		}
		return shown.toString();
	}

}
