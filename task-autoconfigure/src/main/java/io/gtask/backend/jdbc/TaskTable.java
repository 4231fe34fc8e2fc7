package io.gtask.backend.jdbc;

import java.util.Collections;
import java.util.regex.Pattern;

import io.gtask.core.TaskStatus;
import org.springframework.util.Assert;

/**
 * The task table: its name, its limits and its statements on one platform. How the values of a
 * task map to the parameters of the statements is {@link TaskColumns}; how a selected row is
 * read is {@link TaskRowMapper}.
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

	/**
	 * The columns of a task's state, in the order {@link TaskRowMapper#toInfo} reads them.
	 */
	private static final String SELECTED = "id, name, queue, status, attempts, created_at, started_at, finished_at, "
			+ "next_attempt_at, result, error_type, error_message, args, history";

	/**
	 * The columns an insert writes, in the order {@link TaskColumns} binds them.
	 */
	private static final String INSERTED = "id, name, queue, status, attempts, created_at, started_at, finished_at, "
			+ "next_attempt_at, result, error_type, error_message, updated_at, expires_at, payload, due_at, args, history";

	/**
	 * The columns of a stored task, in the order {@link TaskRowMapper#toStored} reads them.
	 */
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
		for (String column : TaskColumns.OPTIONAL_COLUMNS) {
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

}
