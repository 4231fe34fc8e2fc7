package io.gtask.backend.mongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.gtask.backend.NewTask;
import io.gtask.backend.TaskHistory;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.springframework.data.mongodb.core.query.Update;

/**
 * The document that holds one task: its field names and the conversions between documents,
 * state changes and {@link TaskInfo}.
 * <p>
 * Fields that a task does not have are absent rather than {@code null}. Which fields a state
 * change removes is the same as in the Redis backend, so both backends answer alike.
 */
final class TaskDocument {

	static final String ID = "_id";

	static final String NAME = "name";

	static final String QUEUE = "queue";

	static final String STATUS = "status";

	static final String ATTEMPTS = "attempts";

	static final String CREATED_AT = "createdAt";

	static final String STARTED_AT = "startedAt";

	static final String FINISHED_AT = "finishedAt";

	static final String NEXT_ATTEMPT_AT = "nextAttemptAt";

	/**
	 * When the document was last written, by the clock of the instance that wrote it.
	 */
	static final String UPDATED_AT = "updatedAt";

	/**
	 * When the task is forgotten: a BSON date that the TTL index removes and every read
	 * compares with.
	 */
	static final String EXPIRES_AT = "expiresAt";

	/**
	 * The expiry date of an unfinished task, which is kept until it ends: the last millisecond
	 * of the year 9999.
	 */
	static final Instant NEVER = Instant.ofEpochMilli(253402300799999L);

	static final String RESULT = "result";

	static final String ERROR_TYPE = "errorType";

	static final String ERROR_MESSAGE = "errorMessage";

	/**
	 * The arguments as JSON text, written when the task is sent and kept by every change.
	 */
	static final String ARGS = "args";

	/**
	 * The latest events of the task, oldest first: an array of documents with the fields
	 * {@link #EVENT_STATUS}, {@link #EVENT_AT}, {@link #EVENT_ATTEMPT} and, for an error,
	 * {@link #ERROR_TYPE} and {@link #ERROR_MESSAGE}, cut to the latest by {@code $slice}.
	 */
	static final String HISTORY = "history";

	static final String EVENT_STATUS = "status";

	static final String EVENT_AT = "at";

	static final String EVENT_ATTEMPT = "attempt";

	/**
	 * The task message (binary), reserved for a durable mode that keeps tasks Redis lost; not
	 * written yet, and never read by {@link MongoResultBackend#find}.
	 */
	static final String PAYLOAD = "payload";

	/**
	 * When a delayed task is due (date), reserved for the durable mode like {@link #PAYLOAD}.
	 */
	static final String DUE_AT = "dueAt";

	private static final Map<TaskStatus, Set<String>> DELETES = deletes();

	private TaskDocument() {
	}

	private static Map<TaskStatus, Set<String>> deletes() {
		Map<TaskStatus, Set<String>> deletes = new EnumMap<>(TaskStatus.class);
		deletes.put(TaskStatus.PENDING,
				Set.of(RESULT, ERROR_TYPE, ERROR_MESSAGE, NEXT_ATTEMPT_AT, STARTED_AT, FINISHED_AT));
		deletes.put(TaskStatus.STARTED, Set.of(NEXT_ATTEMPT_AT));
		deletes.put(TaskStatus.RETRY, Set.of(RESULT));
		deletes.put(TaskStatus.SUCCESS, Set.of(ERROR_TYPE, ERROR_MESSAGE, NEXT_ATTEMPT_AT));
		for (TaskStatus status : new TaskStatus[] { TaskStatus.FAILURE, TaskStatus.REVOKED, TaskStatus.EXPIRED }) {
			deletes.put(status, Set.of(RESULT, NEXT_ATTEMPT_AT));
		}
		return deletes;
	}

	/**
	 * The whole document of a task that was just sent.
	 */
	static Document pending(NewTask task, Instant now, Instant expiresAt, int maxHistory) {
		Document document = new Document(ID, task.id()).append(NAME, task.name())
			.append(QUEUE, task.queue())
			.append(STATUS, TaskStatus.PENDING.name())
			.append(ATTEMPTS, 0)
			.append(CREATED_AT, date(task.createdAt()))
			.append(UPDATED_AT, date(now))
			.append(EXPIRES_AT, date(expiresAt));
		if (task.payload() != null) {
			document.append(PAYLOAD, new org.bson.types.Binary(task.payload()));
		}
		if (task.dueAt() != null) {
			document.append(DUE_AT, date(task.dueAt()));
		}
		if (task.args() != null) {
			document.append(ARGS, task.args());
		}
		if (maxHistory > 0) {
			document.append(HISTORY, List.of(event(TaskHistory.created(task))));
		}
		return document;
	}

	/**
	 * A task with its message, for durable mode.
	 */
	static io.gtask.backend.StoredTask toStored(Document document) {
		Object payload = document.get(PAYLOAD);
		byte[] bytes = (payload instanceof org.bson.types.Binary binary) ? binary.getData()
				: (payload instanceof byte[] raw) ? raw : null;
		Instant updatedAt = instant(document, UPDATED_AT);
		TaskInfo info = toInfo(document, 0);
		return new io.gtask.backend.StoredTask(info.id(), info.name(), info.queue(), info.status(), bytes,
				instant(document, DUE_AT), (updatedAt != null) ? updatedAt : info.createdAt());
	}

	/**
	 * The update that applies a change: the fields it carries are set, the fields its state
	 * does not have are removed, and a task that was never recorded gets the time of the change
	 * as its creation time.
	 */
	static Update update(TaskStateChange change, Instant now, Instant expiresAt, int maxHistory) {
		Set<String> deleted = DELETES.get(change.status());
		Update update = new Update();
		set(update, deleted, STATUS, change.status().name());
		set(update, deleted, NAME, change.name());
		set(update, deleted, QUEUE, change.queue());
		set(update, deleted, ATTEMPTS, change.attempts());
		if (change.startedAt() != null) {
			set(update, deleted, STARTED_AT, date(change.startedAt()));
		}
		if (change.status().isFinished()) {
			set(update, deleted, FINISHED_AT, date(change.at()));
		}
		if (change.result() != null) {
			set(update, deleted, RESULT, change.result());
		}
		if (change.error() != null) {
			set(update, deleted, ERROR_TYPE, change.error().type());
			set(update, deleted, ERROR_MESSAGE, change.error().message());
		}
		if (change.nextAttemptAt() != null) {
			set(update, deleted, NEXT_ATTEMPT_AT, date(change.nextAttemptAt()));
		}
		update.set(UPDATED_AT, date(now));
		update.set(EXPIRES_AT, date(expiresAt));
		deleted.forEach(update::unset);
		update.setOnInsert(CREATED_AT, date(change.at()));
		List<TaskEvent> events = (maxHistory > 0) ? TaskHistory.events(change) : List.of();
		if (!events.isEmpty()) {
			pushEvents(update, events, maxHistory);
		}
		return update;
	}

	/**
	 * Add events to the history with {@code $push}, keeping the latest only.
	 */
	static void pushEvents(Update update, List<TaskEvent> events, int maxHistory) {
		update.push(HISTORY).slice(-maxHistory).each(events.stream().map(TaskDocument::event).toArray());
	}

	static Document event(TaskEvent event) {
		Document document = new Document(EVENT_STATUS, event.status().name()).append(EVENT_AT, date(event.at()))
			.append(EVENT_ATTEMPT, event.attempt());
		if (event.error() != null) {
			document.append(ERROR_TYPE, event.error().type()).append(ERROR_MESSAGE, event.error().message());
		}
		return document;
	}

	/**
	 * Set a field unless the new state removes it: the Redis backend deletes after it sets, so a
	 * field in both is removed there too (and MongoDB refuses $set and $unset of one field).
	 */
	private static void set(Update update, Set<String> deleted, String field, Object value) {
		if (!deleted.contains(field)) {
			update.set(field, value);
		}
	}

	static TaskInfo toInfo(Document document, int maxHistory) {
		String id = String.valueOf(document.get(ID));
		try {
			TaskStatus status = TaskStatus.valueOf(document.get(STATUS, ""));
			String errorType = document.getString(ERROR_TYPE);
			TaskError error = (errorType != null) ? new TaskError(errorType, document.get(ERROR_MESSAGE, "")) : null;
			Instant createdAt = instant(document, CREATED_AT);
			Object attempts = document.get(ATTEMPTS);
			return new TaskInfo(id, document.get(NAME, ""), document.get(QUEUE, ""), status,
					document.getString(RESULT), error, (attempts instanceof Number number) ? number.intValue() : 0,
					(createdAt != null) ? createdAt : Instant.EPOCH, instant(document, STARTED_AT),
					instant(document, FINISHED_AT), instant(document, NEXT_ATTEMPT_AT), document.getString(ARGS),
					history(document, maxHistory));
		}
		catch (IllegalArgumentException | ClassCastException | NullPointerException ex) {
			throw new GTaskException("Stored state of task '" + id + "' is unreadable: " + ex.getMessage(), ex);
		}
	}

	private static List<TaskEvent> history(Document document, int maxHistory) {
		Object stored = document.get(HISTORY);
		if (maxHistory <= 0 || !(stored instanceof List<?> list)) {
			return List.of();
		}
		List<TaskEvent> events = new ArrayList<>(list.size());
		for (Object item : list) {
			Document event = (Document) item;
			String errorType = event.getString(ERROR_TYPE);
			Object attempt = event.get(EVENT_ATTEMPT);
			events.add(new TaskEvent(TaskStatus.valueOf(event.get(EVENT_STATUS, "")),
					event.getDate(EVENT_AT).toInstant(), (attempt instanceof Number number) ? number.intValue() : 0,
					(errorType != null) ? new TaskError(errorType, event.get(ERROR_MESSAGE, "")) : null));
		}
		return TaskHistory.latest(events, maxHistory);
	}

	private static @Nullable Instant instant(Document document, String field) {
		Date date = document.getDate(field);
		return (date != null) ? date.toInstant() : null;
	}

	static Date date(Instant instant) {
		return Date.from(instant);
	}

}
