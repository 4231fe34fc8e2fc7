package io.gtask.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.gtask.core.TaskMessage;
import io.gtask.core.TaskVersion;
import io.gtask.core.TaskVersionException;
import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskVersions;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;

/**
 * Fits the version of a message to the version of its local handler before the handler runs:
 * the arguments of an older version are upcast, a message of a newer version is handed back
 * for a newer worker for as long as its window lasts, and anything else fails the task with a
 * {@link TaskVersionException} that names the versions.
 */
final class VersionGate {

	private final TaskVersions versions;

	private final Duration window;

	private final Duration delay;

	/**
	 * Create a gate.
	 * @param versions the upcasters of the local handlers
	 * @param window how long a message of a newer version is handed back, from the first time
	 * @param delay how long a message handed back waits before it is queued again
	 */
	VersionGate(TaskVersions versions, Duration window, Duration delay) {
		this.versions = versions;
		this.window = window;
		this.delay = delay;
	}

	/**
	 * Whether the message is of a newer version than its handler, and must be handed back.
	 * @throws TaskVersionException if its version header is not a version
	 */
	boolean isNewer(TaskMessage message, TaskHandlerMethod handler) {
		return TaskVersion.of(message) > handler.getVersion();
	}

	/**
	 * The arguments of the message for its handler, upcast if the message is of an older
	 * version.
	 * @throws TaskVersionException if its version header is not a version, or its arguments
	 * cannot be upcast
	 */
	ArrayNode args(TaskMessage message, TaskHandlerMethod handler) {
		int version = TaskVersion.of(message);
		if (version >= handler.getVersion()) {
			return message.args();
		}
		try {
			return this.versions.upcast(message.name(), version, handler.getVersion(), message.args());
		}
		catch (TaskVersionException ex) {
			throw new TaskVersionException(
					"Task '" + message.name() + "' (" + message.id() + "): " + ex.getMessage() + "; it did not run",
					(ex.getCause() != null) ? ex.getCause() : ex);
		}
	}

	/**
	 * The message of a newer version to hand back, marked with when it was first handed back.
	 * @param now the current time
	 * @throws TaskVersionException if it was handed back for longer than the window
	 */
	TaskMessage handBack(TaskMessage message, TaskHandlerMethod handler, Instant now) {
		Long since = since(message);
		if (since == null) {
			Map<String, String> headers = new LinkedHashMap<>(message.headers());
			headers.put(TaskVersion.HANDED_BACK_HEADER, message.attempt() + ":" + now.toEpochMilli());
			return message.withHeaders(headers);
		}
		if (now.toEpochMilli() - since > this.window.toMillis()) {
			throw new TaskVersionException("Task '" + message.name() + "' (" + message.id() + ") is version "
					+ TaskVersion.of(message) + ", newer than its handler here, which takes version "
					+ handler.getVersion() + "; no worker of a newer version took it within "
					+ this.window.toMillis() + " ms from " + Instant.ofEpochMilli(since)
					+ " (gtask.versions.future-hand-back-window); it did not run");
		}
		return message;
	}

	/**
	 * When a message handed back now is queued again.
	 */
	Instant handBackUntil(Instant now) {
		return now.plus(this.delay);
	}

	/**
	 * When this attempt of the message was first handed back, or {@code null} if it was not:
	 * a retry, or a header not written by a worker, starts its window anew.
	 */
	private static @Nullable Long since(TaskMessage message) {
		String header = message.headers().get(TaskVersion.HANDED_BACK_HEADER);
		int colon = (header != null) ? header.indexOf(':') : -1;
		if (colon < 0 || !header.substring(0, colon).equals(Integer.toString(message.attempt()))) {
			return null;
		}
		try {
			return Long.parseLong(header.substring(colon + 1));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
