package io.gtask.backend.jdbc;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.gtask.backend.StoredTask;
import io.gtask.core.TaskInfo;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the live rows of the task table: the state of a task, of several tasks at once for the
 * callers waiting for them, and the stored messages of tasks for durable mode. A row that has
 * expired at the time given counts as absent.
 */
final class TaskRowReader {

	private final JdbcTemplate jdbc;

	private final TaskTable table;

	private final int maxHistory;

	/**
	 * Create a reader.
	 * @param jdbc the database
	 * @param table the statements
	 * @param maxHistory how many of a task's latest events its state tells
	 */
	TaskRowReader(JdbcTemplate jdbc, TaskTable table, int maxHistory) {
		this.jdbc = jdbc;
		this.table = table;
		this.maxHistory = maxHistory;
	}

	/**
	 * The state of a task, empty if it is unknown or expired.
	 */
	Optional<TaskInfo> find(String id, long now) {
		List<TaskInfo> found = this.jdbc.query(this.table.find, (rs, row) -> TaskRowMapper.toInfo(rs, this.maxHistory),
				id, now);
		return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
	}

	/**
	 * The states of the live tasks among some ids, by id.
	 */
	Map<String, TaskInfo> findAll(List<String> ids, long now) {
		Map<String, TaskInfo> found = new HashMap<>();
		List<Object> args = new ArrayList<>(ids);
		args.add(now);
		this.jdbc.query(this.table.findAll(ids.size()), (rs) -> {
			TaskInfo info = TaskRowMapper.toInfo(rs, this.maxHistory);
			found.put(info.id(), info);
		}, args.toArray());
		return found;
	}

	/**
	 * The stored message of a task, empty if it is unknown or expired.
	 */
	Optional<StoredTask> findStored(String id, long now) {
		List<StoredTask> found = this.jdbc.query(this.table.findStored, (rs, row) -> TaskRowMapper.toStored(rs), id,
				now);
		return found.stream().findFirst();
	}

	/**
	 * Unfinished tasks with a stored message that have not changed since a time and are due
	 * by then, oldest change first, from after a task on.
	 */
	List<StoredTask> findStale(Instant olderThan, @Nullable StoredTask after, int limit, long now) {
		long cutoff = olderThan.toEpochMilli();
		List<Object> args = new ArrayList<>(List.of(now, cutoff, cutoff));
		if (after != null) {
			args.add(after.updatedAt().toEpochMilli());
			args.add(after.updatedAt().toEpochMilli());
			args.add(after.id());
		}
		String sql = (after != null) ? this.table.findStaleAfter : this.table.findStale;
		return this.jdbc.query((connection) -> {
			PreparedStatement ps = connection.prepareStatement(sql);
			ps.setMaxRows(limit);
			for (int i = 0; i < args.size(); i++) {
				ps.setObject(i + 1, args.get(i));
			}
			return ps;
		}, (rs, row) -> TaskRowMapper.toStored(rs));
	}

}
