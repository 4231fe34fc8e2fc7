package io.gtask.backend;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The events that state changes add to a task's history, and their text form for backends
 * that keep the history as text: one compact JSON object per event and line, so that an event
 * is appended to the stored text without reading it.
 */
public final class TaskHistory {

	/**
	 * The number of latest events a backend keeps unless configured otherwise.
	 */
	public static final int DEFAULT_MAX_HISTORY = 50;

	private static final JsonMapper json = JsonMapper.builder().build();

	private TaskHistory() {
	}

	/**
	 * The event a sent task starts its history with.
	 * @param task the task
	 * @return the event, PENDING at its creation time
	 */
	public static TaskEvent created(NewTask task) {
		return new TaskEvent(TaskStatus.PENDING, task.createdAt(), 0, null);
	}

	/**
	 * The events a change adds: its own, preceded by the start of its attempt when the change
	 * also records that ({@link TaskStateChange#withStartedAt}).
	 * @param change the change
	 * @return one or two events, oldest first
	 */
	public static List<TaskEvent> events(TaskStateChange change) {
		if (change.status() == TaskStatus.STARTED && change.startedAt() != null
				&& !change.startedAt().equals(change.at())) {
			// a manual-commit attempt awaiting its commit: the attempt's start is recorded already
			return List.of();
		}
		TaskEvent event = new TaskEvent(change.status(), change.at(), change.attempts(), change.error());
		if (change.startedAt() != null && change.status() != TaskStatus.STARTED) {
			return List.of(new TaskEvent(TaskStatus.STARTED, change.startedAt(), change.attempts(), null), event);
		}
		return List.of(event);
	}

	/**
	 * The text of events, each a JSON object ended by a line feed.
	 * @param events the events
	 * @return the text
	 */
	public static String toText(List<TaskEvent> events) {
		StringBuilder text = new StringBuilder();
		for (TaskEvent event : events) {
			text.append(toLine(event)).append('\n');
		}
		return text.toString();
	}

	/**
	 * One event as a compact JSON object, without line feed. JSON escapes line feeds in text,
	 * so the object is one line.
	 * @param event the event
	 * @return the JSON text
	 */
	public static String toLine(TaskEvent event) {
		// written by hand: this runs for every start and end of every task, and only the
		// error's text needs JSON escaping
		StringBuilder line = new StringBuilder(64).append("{\"status\":\"")
			.append(event.status().name())
			.append("\",\"at\":")
			.append(event.at().toEpochMilli())
			.append(",\"attempt\":")
			.append(event.attempt());
		if (event.error() != null) {
			line.append(",\"errorType\":")
				.append(json.writeValueAsString(event.error().type()))
				.append(",\"errorMessage\":")
				.append(json.writeValueAsString(event.error().message()));
		}
		return line.append('}').toString();
	}

	/**
	 * Read the latest events of a history kept as text.
	 * @param text lines of JSON objects, blank lines ignored; {@code null} for none
	 * @param max the number of latest events to read at most
	 * @return the events, oldest first
	 * @throws GTaskException if the text is not a history
	 */
	public static List<TaskEvent> fromText(@Nullable String text, int max) {
		if (text == null || text.isEmpty() || max <= 0) {
			return List.of();
		}
		String[] lines = text.split("\n");
		List<TaskEvent> events = new ArrayList<>(Math.min(lines.length, max));
		for (String line : lines) {
			if (!line.isBlank()) {
				events.add(fromLine(line));
			}
		}
		return latest(events, max);
	}

	/**
	 * The latest events of a list.
	 * @param events the events, oldest first
	 * @param max the number of events to keep at most
	 * @return the last {@code max} events
	 */
	public static List<TaskEvent> latest(List<TaskEvent> events, int max) {
		return (events.size() <= max) ? events : events.subList(events.size() - Math.max(max, 0), events.size());
	}

	private static TaskEvent fromLine(String line) {
		try {
			JsonNode node = json.readTree(line);
			JsonNode errorType = node.get("errorType");
			TaskError error = (errorType != null && !errorType.isNull())
					? new TaskError(errorType.asString(), node.path("errorMessage").asString(""))
					: null;
			return new TaskEvent(TaskStatus.valueOf(node.get("status").asString()),
					Instant.ofEpochMilli(node.get("at").asLong()), node.path("attempt").asInt(0), error);
		}
		catch (JacksonException | IllegalArgumentException | NullPointerException ex) {
			throw new GTaskException("Unreadable task history event: " + line, ex);
		}
	}

}
