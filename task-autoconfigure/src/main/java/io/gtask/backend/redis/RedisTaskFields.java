package io.gtask.backend.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gtask.backend.TaskHistory;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;

import static io.gtask.redis.RedisAsync.bytes;

/**
 * The fields of the hash that keeps a task, and how a {@link TaskInfo} is read from them.
 * <p>
 * The history is kept compact: the events that the fields tell of themselves (sent at
 * {@code createdAt}, started at {@code startedAt} and ended at {@code finishedAt}, in the
 * current attempt) are not stored in the {@code history} field; they are derived here, after
 * the stored events, unless an event with the same state, time and attempt is stored already.
 * A change that would overwrite those fields stores them first ({@code history.lua}), so that
 * a task that starts and ends once, most tasks, keeps no history text at all.
 */
final class RedisTaskFields {

	static final byte[] NAME = bytes("name");

	static final byte[] QUEUE = bytes("queue");

	static final byte[] STATUS = bytes("status");

	static final byte[] ATTEMPTS = bytes("attempts");

	static final byte[] CREATED_AT = bytes("createdAt");

	static final byte[] STARTED_AT = bytes("startedAt");

	static final byte[] FINISHED_AT = bytes("finishedAt");

	static final byte[] RESULT = bytes("result");

	static final byte[] ERROR_TYPE = bytes("errorType");

	static final byte[] ERROR_MESSAGE = bytes("errorMessage");

	static final byte[] NEXT_ATTEMPT_AT = bytes("nextAttemptAt");

	static final byte[] ARGS = bytes("args");

	static final byte[] WAITERS = bytes("waiters");

	static final byte[] HISTORY = bytes("history");

	static final byte[][] STATUS_VALUES = java.util.Arrays.stream(TaskStatus.values())
		.map((status) -> bytes(status.name()))
		.toArray(byte[][]::new);

	private static final byte[][] STARTED_DELETES = { NEXT_ATTEMPT_AT };

	private static final byte[][] SUCCESS_DELETES = { ERROR_TYPE, ERROR_MESSAGE, NEXT_ATTEMPT_AT };

	private static final byte[][] FAILURE_DELETES = { RESULT, NEXT_ATTEMPT_AT };

	private static final byte[][] OTHER_DELETES = { RESULT };

	private static final byte[][] PENDING_DELETES = { RESULT, ERROR_TYPE, ERROR_MESSAGE, NEXT_ATTEMPT_AT, STARTED_AT,
			FINISHED_AT };

	private RedisTaskFields() {
	}

	/**
	 * The fields a change to a status removes, left from an earlier attempt.
	 * @param status the new status
	 * @return the fields
	 */
	static byte[][] deletedBy(TaskStatus status) {
		return switch (status) {
			case STARTED -> STARTED_DELETES;
			case SUCCESS -> SUCCESS_DELETES;
			case FAILURE, REVOKED, EXPIRED -> FAILURE_DELETES;
			case PENDING -> PENDING_DELETES;
			default -> OTHER_DELETES;
		};
	}

	/**
	 * Read a task from its fields.
	 * @param id the task id
	 * @param fields the fields of its hash
	 * @param maxHistory the number of latest events to read at most
	 * @return the task
	 * @throws GTaskException if the fields are not a task's
	 */
	static TaskInfo toInfo(String id, Map<String, String> fields, int maxHistory) {
		try {
			TaskStatus status = TaskStatus.valueOf(fields.getOrDefault("status", ""));
			TaskError error = error(fields);
			Instant createdAt = instant(fields.get("createdAt"));
			int attempts = Integer.parseInt(fields.getOrDefault("attempts", "0"));
			return new TaskInfo(id, fields.getOrDefault("name", ""), fields.getOrDefault("queue", ""), status,
					fields.get("result"), error, attempts, (createdAt != null) ? createdAt : Instant.EPOCH,
					instant(fields.get("startedAt")), instant(fields.get("finishedAt")),
					instant(fields.get("nextAttemptAt")), fields.get("args"),
					history(fields, status, attempts, createdAt, error, maxHistory));
		}
		catch (IllegalArgumentException ex) {
			throw new GTaskException("Stored state of task '" + id + "' is unreadable: " + ex.getMessage(), ex);
		}
	}

	private static @Nullable TaskError error(Map<String, String> fields) {
		String errorType = fields.get("errorType");
		return (errorType != null) ? new TaskError(errorType, fields.getOrDefault("errorMessage", "")) : null;
	}

	private static List<TaskEvent> history(Map<String, String> fields, TaskStatus status, int attempt,
			@Nullable Instant createdAt, @Nullable TaskError error, int max) {
		if (max <= 0) {
			return List.of();
		}
		String stored = fields.get("history");
		List<TaskEvent> events = new ArrayList<>(TaskHistory.fromText(stored, Integer.MAX_VALUE));
		if (stored == null && createdAt != null) {
			events.add(new TaskEvent(TaskStatus.PENDING, createdAt, 0, null));
		}
		Instant startedAt = instant(fields.get("startedAt"));
		if (startedAt != null && status != TaskStatus.PENDING && status != TaskStatus.RETRY) {
			addUnlessHeld(events, new TaskEvent(TaskStatus.STARTED, startedAt, attempt, null));
		}
		Instant finishedAt = instant(fields.get("finishedAt"));
		if (finishedAt != null && status.isFinished()) {
			addUnlessHeld(events, new TaskEvent(status, finishedAt, attempt, error));
		}
		return TaskHistory.latest(events, max);
	}

	private static void addUnlessHeld(List<TaskEvent> events, TaskEvent event) {
		for (TaskEvent held : events) {
			if (held.status() == event.status() && held.at().equals(event.at()) && held.attempt() == event.attempt()) {
				return;
			}
		}
		events.add(event);
	}

	static @Nullable Instant instant(@Nullable String millis) {
		return (millis != null) ? Instant.ofEpochMilli(Long.parseLong(millis)) : null;
	}

	static byte[] millis(Instant instant) {
		return bytes(Long.toString(instant.toEpochMilli()));
	}

}
