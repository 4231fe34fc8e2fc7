package io.gtask.backend.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskHistory;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;

/**
 * Reads the rows of the task table that its queries select. A row is data from outside:
 * a state that is no {@link TaskStatus} is an error that names the task.
 */
final class TaskRowMapper {

	private TaskRowMapper() {
	}

	/**
	 * Read a row of a query that selects the columns of a stored task
	 * ({@code TaskTable.STORED}).
	 */
	static StoredTask toStored(ResultSet rs) throws SQLException {
		String id = rs.getString(1);
		TaskStatus status = status(id, rs.getString(4));
		return new StoredTask(id, rs.getString(2), rs.getString(3), status, rs.getBytes(5), instant(rs, 6),
				Instant.ofEpochMilli(rs.getLong(7)));
	}

	/**
	 * Read a row of a query that selects the columns of a task's state
	 * ({@code TaskTable.SELECTED}).
	 */
	static TaskInfo toInfo(ResultSet rs, int maxHistory) throws SQLException {
		String id = rs.getString(1);
		TaskStatus status = status(id, rs.getString(4));
		String errorType = rs.getString(11);
		String errorMessage = rs.getString(12);
		TaskError error = (errorType != null) ? new TaskError(errorType, (errorMessage != null) ? errorMessage : "")
				: null;
		return new TaskInfo(id, rs.getString(2), rs.getString(3), status, rs.getString(10), error, rs.getInt(5),
				Instant.ofEpochMilli(rs.getLong(6)), instant(rs, 7), instant(rs, 8), instant(rs, 9), rs.getString(13),
				TaskHistory.fromText(rs.getString(14), maxHistory));
	}

	private static TaskStatus status(String id, String stored) {
		try {
			return TaskStatus.valueOf(stored);
		}
		catch (IllegalArgumentException ex) {
			throw new GTaskException("Stored state of task '" + id + "' is unreadable: " + ex.getMessage(), ex);
		}
	}

	private static @Nullable Instant instant(ResultSet rs, int index) throws SQLException {
		long millis = rs.getLong(index);
		return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
	}

}
