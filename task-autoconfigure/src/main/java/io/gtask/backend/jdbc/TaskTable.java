package io.gtask.backend.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

import io.gtask.backend.TaskHistory;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * The statements of the task table, and how a state change maps to its columns.
 * <p>
 * A change writes each optional column in one of three ways: a value, {@code NULL}, or the
 * value the row already has. The Redis backend's field deletes are the {@code NULL}s, so both
 * backends keep the same fields after the same changes. One {@code UPDATE} serves every change,
 * with a flag per optional column that keeps its value, so that the changes of a batch share a
 * prepared statement.
 */
final class TaskTable {

	/**
	 * Longest task name the table holds.
	 */
	static final int MAX_NAME_LENGTH = 200;

	/**
	 * Longest error type the table holds; longer ones are cut.
	 */
	static final int MAX_ERROR_TYPE_LENGTH = 500;

	/**
	 * The {@code expires_at} of an unfinished task, which is kept until it ends: the last
	 * millisecond of the year 9999, a value every supported database and driver holds.
	 */
	static final long NEVER = 253402300799999L;

	private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_]{1,32}");

	static final int STARTED_AT = 0;

	static final int FINISHED_AT = 1;

	static final int NEXT_ATTEMPT_AT = 2;

	static final int RESULT = 3;

	static final int ERROR_TYPE = 4;

	static final int ERROR_MESSAGE = 5;

	private static final String[] OPTIONAL_COLUMNS = { "started_at", "finished_at", "next_attempt_at", "result",
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

	private static final String SELECTED = "id, name, queue, status, attempts, created_at, started_at, finished_at, "
			+ "next_attempt_at, result, error_type, error_message, args, history";

	private static final String INSERTED = "id, name, queue, status, attempts, created_at, started_at, finished_at, "
			+ "next_attempt_at, result, error_type, error_message, updated_at, expires_at, payload, due_at, args, history";

	private static final String STORED = "id, name, queue, status, payload, due_at, updated_at";

	private final String name;

	final String insert;

	final String update;

	final String updateIfUnchanged;

	final String revoke;

	final String revokeRecorded;

	final String find;

	final String delete;

	final String deleteIfExpired;

	final String countLive;

	final String deleteExpiredBatch;

	final String findStored;

	final String findStale;

	final String findStaleAfter;

	TaskTable(String prefix, JdbcPlatform platform) {
		this.name = validPrefix(prefix) + "task";
		this.insert = platform.insertIfAbsent(this.name, INSERTED, String.join(", ", Collections.nCopies(18, "?")));
		this.findStored = "SELECT " + STORED + " FROM " + this.name + " WHERE id = ? AND expires_at > ?";
		String stale = "SELECT " + STORED + " FROM " + this.name + " WHERE status IN ('" + TaskStatus.PENDING.name()
				+ "', '" + TaskStatus.STARTED.name() + "', '" + TaskStatus.RETRY.name()
				+ "') AND payload IS NOT NULL AND expires_at > ? AND updated_at < ? AND (due_at IS NULL OR due_at < ?)";
		this.findStale = stale + " ORDER BY updated_at, id";
		this.findStaleAfter = stale + " AND (updated_at > ? OR (updated_at = ? AND id > ?)) ORDER BY updated_at, id";
		StringBuilder update = new StringBuilder("UPDATE ").append(this.name)
			.append(" SET name = ?, queue = ?, status = ?, attempts = ?, updated_at = ?, expires_at = ?");
		for (String column : OPTIONAL_COLUMNS) {
			update.append(", ").append(column).append(" = CASE WHEN ? = 1 THEN ").append(column).append(" ELSE ? END");
		}
		update.append(", history = CASE WHEN ? = 1 THEN history ELSE ")
			.append(platform.concat("COALESCE(history, '')", "?"))
			.append(" END");
		this.update = update.append(" WHERE id = ? AND expires_at > ?").toString();
		this.updateIfUnchanged = this.update + " AND status = ? AND updated_at = ?";
		String revoke = "UPDATE " + this.name + " SET status = '" + TaskStatus.REVOKED.name()
				+ "', finished_at = ?, error_type = ?, error_message = ?, next_attempt_at = NULL, updated_at = ?, "
				+ "expires_at = ?";
		String revocable = " WHERE id = ? AND status IN ('" + TaskStatus.PENDING.name() + "', '"
				+ TaskStatus.RETRY.name() + "') AND expires_at > ?";
		this.revoke = revoke + revocable;
		// the event is written around the attempt number that the row holds
		this.revokeRecorded = revoke + ", history = "
				+ platform.concat("COALESCE(history, '')", "?", platform.text("attempts"), "?") + revocable;
		this.find = "SELECT " + SELECTED + " FROM " + this.name + " WHERE id = ? AND expires_at > ?";
		this.delete = "DELETE FROM " + this.name + " WHERE id = ?";
		this.deleteIfExpired = "DELETE FROM " + this.name + " WHERE id = ? AND expires_at <= ?";
		this.countLive = "SELECT COUNT(*) FROM " + this.name + " WHERE id = ? AND expires_at > ?";
		this.deleteExpiredBatch = platform.deleteExpiredBatch(this.name);
	}

	/**
	 * The prefix, if it is 1 to 32 letters, digits or underscores.
	 * @throws IllegalArgumentException otherwise
	 */
	static String validPrefix(String prefix) {
		Assert.isTrue(PREFIX.matcher(prefix).matches(),
				() -> "Invalid table prefix '" + prefix + "': use 1 to 32 letters, digits or underscores");
		return prefix;
	}

	String getName() {
		return this.name;
	}

	/**
	 * A query of the live rows among a number of ids: parameters are the ids, then the time.
	 */
	String findAll(int count) {
		return "SELECT " + SELECTED + " FROM " + this.name + " WHERE id IN ("
				+ String.join(", ", Collections.nCopies(count, "?")) + ") AND expires_at > ?";
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
			values[ERROR_TYPE] = cut(change.error().type(), MAX_ERROR_TYPE_LENGTH);
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
	 * Bind the parameters of {@link #updateIfUnchanged}.
	 */
	static void bindUpdateIfUnchanged(PreparedStatement ps, io.gtask.backend.StoredTask read, TaskStateChange change,
			long now, long expiresAt, int maxHistory) throws SQLException {
		int index = bindUpdate(ps, change, now, expiresAt, maxHistory);
		ps.setString(index + 1, read.status().name());
		ps.setLong(index + 2, read.updatedAt().toEpochMilli());
	}

	/**
	 * Bind the parameters of {@link #update}.
	 * @return the index of the last parameter
	 */
	static int bindUpdate(PreparedStatement ps, TaskStateChange change, long now, long expiresAt, int maxHistory)
			throws SQLException {
		ps.setString(1, cut(change.name(), MAX_NAME_LENGTH));
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
	 * Bind the parameters of {@link #insert} for a task whose row is written by a change,
	 * created at the time of the change since nothing tells when it was sent.
	 */
	static void bindInsert(PreparedStatement ps, TaskStateChange change, long now, long expiresAt, int maxHistory)
			throws SQLException {
		@Nullable Object[] values = columns(change);
		for (int column = 0; column < values.length; column++) {
			if (values[column] == KEEP) {
				values[column] = null;
			}
		}
		bindInsert(ps, change.id(), cut(change.name(), MAX_NAME_LENGTH), change.queue(), change.status(),
				change.attempts(), change.at().toEpochMilli(), values, now, expiresAt);
		ps.setNull(15, Types.VARBINARY);
		ps.setNull(16, Types.BIGINT);
		ps.setNull(17, Types.VARCHAR);
		bind(ps, 18, (maxHistory > 0) ? TaskHistory.toText(TaskHistory.events(change)) : null, Types.VARCHAR);
	}

	/**
	 * Bind the parameters of {@link #insert} for a task that was sent.
	 */
	static void bindInsert(PreparedStatement ps, io.gtask.backend.NewTask task, long now, long expiresAt,
			int maxHistory) throws SQLException {
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
	 * The parameters of {@link #revoke}, or of {@link #revokeRecorded} when a history is kept.
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

	/**
	 * Read a row of a query that selects the columns of a stored task.
	 */
	static io.gtask.backend.StoredTask toStored(ResultSet rs) throws SQLException {
		String id = rs.getString(1);
		TaskStatus status;
		try {
			status = TaskStatus.valueOf(rs.getString(4));
		}
		catch (IllegalArgumentException ex) {
			throw new GTaskException("Stored state of task '" + id + "' is unreadable: " + ex.getMessage(), ex);
		}
		return new io.gtask.backend.StoredTask(id, rs.getString(2), rs.getString(3), status, rs.getBytes(5),
				instant(rs, 6), Instant.ofEpochMilli(rs.getLong(7)));
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
	 * Read a row of a query that selects {@link #SELECTED}.
	 */
	static TaskInfo toInfo(ResultSet rs, int maxHistory) throws SQLException {
		String id = rs.getString(1);
		TaskStatus status;
		try {
			status = TaskStatus.valueOf(rs.getString(4));
		}
		catch (IllegalArgumentException ex) {
			throw new GTaskException("Stored state of task '" + id + "' is unreadable: " + ex.getMessage(), ex);
		}
		String errorType = rs.getString(11);
		String errorMessage = rs.getString(12);
		TaskError error = (errorType != null) ? new TaskError(errorType, (errorMessage != null) ? errorMessage : "")
				: null;
		return new TaskInfo(id, rs.getString(2), rs.getString(3), status, rs.getString(10), error, rs.getInt(5),
				Instant.ofEpochMilli(rs.getLong(6)), instant(rs, 7), instant(rs, 8), instant(rs, 9), rs.getString(13),
				TaskHistory.fromText(rs.getString(14), maxHistory));
	}

	private static @Nullable Instant instant(ResultSet rs, int index) throws SQLException {
		long millis = rs.getLong(index);
		return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
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
