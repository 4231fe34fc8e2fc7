package io.gtask.core;

import org.jspecify.annotations.Nullable;

/**
 * The version of a task message, carried in its headers so that messages without one, sent
 * before versions existed or for handlers that never declared one, keep their meaning:
 * version {@value #FIRST}.
 *
 * @see TaskHandler#version()
 */
public final class TaskVersion {

	/**
	 * Header that holds the version of a message's arguments, as decimal digits; written only
	 * for versions above {@value #FIRST}.
	 */
	public static final String HEADER = "gtask-version";

	/**
	 * Header of a message of a newer version that a worker of an older one handed back: the
	 * attempt and when it was first handed back, in epoch milliseconds, as
	 * {@code <attempt>:<millis>}, from which the time it may wait for a newer worker is
	 * measured. A retry, or a task sent again, starts a window of its own.
	 */
	public static final String HANDED_BACK_HEADER = "gtask-version-handed-back";

	/**
	 * The version of a message without a version header, and of a handler that declares none.
	 */
	public static final int FIRST = 1;

	private TaskVersion() {
	}

	/**
	 * The version of a message.
	 * @param message the message
	 * @return its version, {@value #FIRST} when it has no version header
	 * @throws TaskVersionException if the header is not a whole number of 1 or more
	 */
	public static int of(TaskMessage message) {
		String header = message.headers().get(HEADER);
		if (header == null) {
			return FIRST;
		}
		int version = parse(header);
		if (version < FIRST) {
			throw new TaskVersionException("Task '" + message.name() + "' (" + message.id() + ") has version header '"
					+ HEADER + "' of '" + abbreviate(header) + "', which is not a version (a whole number of "
					+ FIRST + " or more); it did not run");
		}
		return version;
	}

	/**
	 * The header value of a version.
	 * @param version the version
	 * @return the value, or {@code null} for version {@value #FIRST}, which needs no header
	 */
	public static @Nullable String header(int version) {
		return (version == FIRST) ? null : Integer.toString(version);
	}

	private static int parse(String header) {
		if (header.isEmpty() || header.length() > 9) {
			return -1;
		}
		for (int i = 0; i < header.length(); i++) {
			if (header.charAt(i) < '0' || header.charAt(i) > '9') {
				return -1;
			}
		}
		return Integer.parseInt(header);
	}

	private static String abbreviate(String header) {
		return (header.length() <= 40) ? header : header.substring(0, 40) + "...";
	}

}
