package io.gtask.backend.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

import io.gtask.backend.NewTask;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskHistory;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.TaskError;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;

/**
 * How a task and a change of its state map to the columns of its row: the parameters of the
 * statements of {@link TaskTable}.
 * <p>
 * A change writes each optional column in one of three ways: a value, {@code NULL}, or the
 * value the row already has. The Redis backend's field deletes are the {@code NULL}s, so both
 * backends keep the same fields after the same changes. One {@code UPDATE} serves every change,
 * with a flag per optional column that keeps its value, so that the changes of a batch share a
 * prepared statement.
 */
final class TaskColumns {

	static final int STARTED_AT = 0;

	static final int FINISHED_AT = 1;

	static final int NEXT_ATTEMPT_AT = 2;

	static final int RESULT = 3;

	static final int ERROR_TYPE = 4;

	static final int ERROR_MESSAGE = 5;

	/**
	 * The optional columns, indexed by {@link #STARTED_AT} and its siblings.
	 */
	static final String[] OPTIONAL_COLUMNS = { "started_at", "finished_at", "next_attempt_at", "result",
			"error_type", "error_message" };

	private static final int[] OPTIONAL_TYPES = { Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR,
			Types.VARCHAR, Types.VARCHAR };

	/**
	 * Marks an optional column that a change leaves as it is.
	 */
	static final Object KEEP = new Object();

	private static final int[] STARTED_DELETES = { NEXT_ATTEMPT_AT };

	private static final int[] SUCCESS_DELETES = { ERROR_TYPE, ERROR_MESSAGE, NEXT_ATTEMPT_AT };

	private static final int[] FAILURE_DELETES = { RESULT, NEXT_ATTEMPT_AT };

	private static final int[] RETRY_DELETES = { RESULT };

	private static final int[] PENDING_DELETES = { RESULT, ERROR_TYPE, ERROR_MESSAGE, NEXT_ATTEMPT_AT, STARTED_AT,
			FINISHED_AT };

	private TaskColumns() {
	}

	/**
	 * The optional columns a change writes, indexed by {@link #STARTED_AT} and its siblings:
	 * {@link #KEEP}, {@code null} or the value.
	 */
	static @Nullable Object[] columns(TaskStateChange change) {
		@Nullable Object[] values = { KEEP, KEEP, KEEP, KEEP, KEEP, KEEP };
		if (change.startedAt() != null) {
			values[STARTED_AT] = change.startedAt().toEpochMilli();
		}
		if (change.status().isFinished()) {
			values[FINISHED_AT] = change.at().toEpochMilli();
		}
		if (change.nextAttemptAt() != null) {
			values[NEXT_ATTEMPT_AT] = change.nextAttemptAt().toEpochMilli();
		}
		if (change.result() != null) {
			values[RESULT] = change.result();
		}
		if (change.error() != null) {
			values[ERROR_TYPE] = cut(change.error().type(), TaskTable.MAX_ERROR_TYPE_LENGTH);
			values[ERROR_MESSAGE] = change.error().message();
		}
		int[] deleted = switch (change.status()) {
			case STARTED -> STARTED_DELETES;
			case SUCCESS -> SUCCESS_DELETES;
			case FAILURE, REVOKED, EXPIRED -> FAILURE_DELETES;
			case PENDING -> PENDING_DELETES;
			case RETRY -> RETRY_DELETES;
		};
		for (int column : deleted) {
			values[column] = null;
		}
		return values;
	}

	/**
	 * Bind the parameters of {@link TaskTable#updateIfUnchanged}.
	 */
	static void bindUpdateIfUnchanged(PreparedStatement ps, StoredTask read, TaskStateChange change, long now,
			long expiresAt, int maxHistory) throws SQLException {
		int index = bindUpdate(ps, change, now, expiresAt, maxHistory);
		ps.setString(index + 1, read.status().name());
		ps.setLong(index + 2, read.updatedAt().toEpochMilli());
	}

	/**
	 * Bind the parameters of {@link TaskTable#update}.
	 * @return the index of the last parameter
	 */
	static int bindUpdate(PreparedStatement ps, TaskStateChange change, long now, long expiresAt, int maxHistory)
			throws SQLException {
		ps.setString(1, cut(change.name(), TaskTable.MAX_NAME_LENGTH));
		ps.setString(2, change.queue());
		ps.setString(3, change.status().name());
		ps.setInt(4, change.attempts());
		ps.setLong(5, now);
		ps.setLong(6, expiresAt);
		@Nullable Object[] values = columns(change);
		int index = 7;
		for (int column = 0; column < values.length; column++) {
			boolean keep = values[column] == KEEP;
			ps.setInt(index++, keep ? 1 : 0);
			bind(ps, index++, keep ? null : values[column], OPTIONAL_TYPES[column]);
		}
		ps.setInt(index++, (maxHistory > 0) ? 0 : 1);
		bind(ps, index++, (maxHistory > 0) ? TaskHistory.toText(TaskHistory.events(change)) : null, Types.VARCHAR);
		ps.setString(index++, change.id());
		ps.setLong(index, now);
		return index;
	}

	/**
	 * Bind the parameters of {@link TaskTable#insert} for a task whose row is written by a
	 * change, created at the time of the change since nothing tells when it was sent.
	 */
	static void bindInsert(PreparedStatement ps, TaskStateChange change, long now, long expiresAt, int maxHistory)
			throws SQLException {
		@Nullable Object[] values = columns(change);
		for (int column = 0; column < values.length; column++) {
			if (values[column] == KEEP) {
				values[column] = null;
			}
		}
		bindInsert(ps, change.id(), cut(change.name(), TaskTable.MAX_NAME_LENGTH), change.queue(), change.status(),
				change.attempts(), change.at().toEpochMilli(), values, now, expiresAt);
		ps.setNull(15, Types.VARBINARY);
		ps.setNull(16, Types.BIGINT);
		ps.setNull(17, Types.VARCHAR);
		bind(ps, 18, (maxHistory > 0) ? TaskHistory.toText(TaskHistory.events(change)) : null, Types.VARCHAR);
	}

	/**
	 * Bind the parameters of {@link TaskTable#insert} for a task that was sent.
	 */
	static void bindInsert(PreparedStatement ps, NewTask task, long now, long expiresAt, int maxHistory)
			throws SQLException {
		bindInsert(ps, task.id(), task.name(), task.queue(), TaskStatus.PENDING, 0, task.createdAt().toEpochMilli(),
				new Object[6], now, expiresAt);
		if (task.payload() != null) {
			ps.setBytes(15, task.payload());
		}
		else {
			ps.setNull(15, Types.VARBINARY);
		}
		if (task.dueAt() != null) {
			ps.setLong(16, task.dueAt().toEpochMilli());
		}
		else {
			ps.setNull(16, Types.BIGINT);
		}
		bind(ps, 17, task.args(), Types.VARCHAR);
		bind(ps, 18, (maxHistory > 0) ? TaskHistory.toText(List.of(TaskHistory.created(task))) : null,
				Types.VARCHAR);
	}

	/**
	 * The parameters of {@link TaskTable#revoke}, or of {@link TaskTable#revokeRecorded} when a
	 * history is kept.
	 */
	static Object[] revokeArgs(String id, Instant at, TaskError error, long now, long expiresAt, int maxHistory) {
		if (maxHistory <= 0) {
			return new Object[] { at.toEpochMilli(), error.type(), error.message(), now, expiresAt, id, now };
		}
		String line = TaskHistory.toLine(new TaskEvent(TaskStatus.REVOKED, at, 0, error));
		String attempt = "\"attempt\":";
		int split = line.indexOf(attempt + "0,") + attempt.length();
		return new Object[] { at.toEpochMilli(), error.type(), error.message(), now, expiresAt,
				line.substring(0, split), line.substring(split + 1) + "\n", id, now };
	}

	private static void bindInsert(PreparedStatement ps, String id, String name, String queue, TaskStatus status,
			int attempts, long createdAt, @Nullable Object[] values, long now, long expiresAt) throws SQLException {
		ps.setString(1, id);
		ps.setString(2, name);
		ps.setString(3, queue);
		ps.setString(4, status.name());
		ps.setInt(5, attempts);
		ps.setLong(6, createdAt);
		for (int column = 0; column < values.length; column++) {
			bind(ps, 7 + column, values[column], OPTIONAL_TYPES[column]);
		}
		ps.setLong(13, now);
		ps.setLong(14, expiresAt);
	}

	private static void bind(PreparedStatement ps, int index, @Nullable Object value, int type) throws SQLException {
		if (value == null) {
			ps.setNull(index, type);
		}
		else if (value instanceof Long millis) {
			ps.setLong(index, millis);
		}
		else {
			ps.setString(index, (String) value);
		}
	}

	/**
	 * The text, cut to a length without splitting a surrogate pair.
	 */
	static String cut(String text, int length) {
		if (text.length() <= length) {
			return text;
		}
		int end = Character.isHighSurrogate(text.charAt(length - 1)) ? length - 1 : length;
		return text.substring(0, end);
	}

}
