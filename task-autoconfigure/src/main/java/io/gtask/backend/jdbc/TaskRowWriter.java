package io.gtask.backend.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

import io.gtask.backend.NewTask;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskRevokedException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes the rows of the task table: the rows of new tasks, the changes of their states, and
 * revocations. Each method runs its statements on the calling thread's transaction, if any
 * ({@link WriteTransactions}), and takes the time of the write from its caller.
 * <p>
 * A write that finishes a task sets {@code expires_at} to the time of the write plus the time
 * to live; a write that leaves it unfinished sets it to {@link TaskTable#NEVER}. A row that is
 * there but expired counts as absent: a write replaces it.
 */
final class TaskRowWriter {

	private static final int MAX_UPSERT_ROUNDS = 3;

	private static final String REVOKED_MESSAGE = "Revoked before it started";

	private final JdbcTemplate jdbc;

	private final TaskTable table;

	private final JdbcPlatform platform;

	private final long timeToLive;

	private final int maxHistory;

	/**
	 * Create a writer.
	 * @param jdbc the database
	 * @param table the statements
	 * @param platform the kind of database
	 * @param timeToLive how long a task is kept after it ends
	 * @param maxHistory how many events the history keeps, {@code 0} to write none
	 */
	TaskRowWriter(JdbcTemplate jdbc, TaskTable table, JdbcPlatform platform, Duration timeToLive, int maxHistory) {
		this.jdbc = jdbc;
		this.table = table;
		this.platform = platform;
		this.timeToLive = timeToLive.toMillis();
		this.maxHistory = maxHistory;
	}

	/**
	 * Insert the rows of tasks just sent, in one batch where the driver counts the rows each
	 * insert of a batch wrote.
	 * @return the ids of the exclusive tasks whose id was taken
	 */
	List<String> insertAll(List<NewTask> tasks, long now) {
		// a sent task is unfinished: it is kept until it ends
		long expiresAt = TaskTable.NEVER;
		List<String> refused = new ArrayList<>();
		int[] counts = null;
		if (this.platform.countsBatchedInserts()) {
			counts = this.jdbc.batchUpdate(this.table.insert, new BatchPreparedStatementSetter() {

				@Override
				public void setValues(PreparedStatement ps, int i) throws SQLException {
					NewTask task = tasks.get(i);
					TaskColumns.bindInsert(ps, task, now, expiresAt, TaskRowWriter.this.maxHistory);
				}

				@Override
				public int getBatchSize() {
					return tasks.size();
				}

			});
		}
		for (int i = 0; i < tasks.size(); i++) {
			NewTask task = tasks.get(i);
			boolean inserted = (counts != null) ? counts[i] > 0 : insert(task, now, expiresAt);
			// a row that is there but expired counts as absent: replace it
			if (!inserted && deleteIfExpired(task.id(), now)) {
				inserted = insert(task, now, expiresAt);
			}
			if (!inserted && task.exclusive()) {
				refused.add(task.id());
			}
		}
		return refused;
	}

	private boolean insert(NewTask task, long now, long expiresAt) {
		return insertIfAbsent(() -> this.jdbc.update(this.table.insert,
				(ps) -> TaskColumns.bindInsert(ps, task, now, expiresAt, this.maxHistory)));
	}

	private boolean insertIfAbsent(IntSupplier insert) {
		try {
			return insert.getAsInt() > 0;
		}
		catch (DuplicateKeyException ex) {
			// H2, where a taken id fails the statement but not the transaction
			return false;
		}
	}

	private boolean deleteIfExpired(String id, long now) {
		return this.jdbc.update(this.table.deleteIfExpired, id, now) > 0;
	}

	/**
	 * Update every row in one batch; then, from the first change that found no row on, write
	 * again in order each change that found none and each later change of the same task.
	 */
	void updateAll(List<TaskStateChange> changes, long now) {
		int[] counts = this.jdbc.batchUpdate(this.table.update, new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				TaskStateChange change = changes.get(i);
				TaskColumns.bindUpdate(ps, change, now, expiresAt(change, now), TaskRowWriter.this.maxHistory);
			}

			@Override
			public int getBatchSize() {
				return changes.size();
			}

		});
		Set<String> rewritten = new HashSet<>();
		for (int i = 0; i < changes.size(); i++) {
			TaskStateChange change = changes.get(i);
			// a count below zero tells nothing of the row; the update matched it if it is there
			// (writing the change again would append its events to the history twice)
			boolean applied = (counts[i] > 0) || (counts[i] < 0 && isLive(change.id(), now));
			if (!applied || rewritten.contains(change.id())) {
				rewritten.add(change.id());
				upsert(change, now, expiresAt(change, now));
			}
		}
	}

	/**
	 * Write a change: update the row, or insert it when there is none, when it is expired, or
	 * when a concurrent writer deletes it in between.
	 */
	private void upsert(TaskStateChange change, long now, long expiresAt) {
		for (int round = 0; round < MAX_UPSERT_ROUNDS; round++) {
			if (updateRow(change, now, expiresAt)) {
				return;
			}
			if (insertRow(change, now, expiresAt)) {
				return;
			}
			if (deleteIfExpired(change.id(), now)) {
				continue;
			}
			// a live row is there: a concurrent writer inserted it
			if (updateRow(change, now, expiresAt)) {
				return;
			}
			// drivers that count changed rather than matched rows count none when nothing changed
			if (isLive(change.id(), now)) {
				return;
			}
		}
		throw new GTaskException("Could not record the state of task '" + change.id() + "': its row kept changing");
	}

	/**
	 * When the row of a task expires after a change: the time to live counts from the task's
	 * end, so an unfinished task never expires.
	 */
	private long expiresAt(TaskStateChange change, long now) {
		return change.status().isFinished() ? now + this.timeToLive : TaskTable.NEVER;
	}

	private boolean isLive(String id, long now) {
		Integer live = this.jdbc.queryForObject(this.table.countLive, Integer.class, id, now);
		return live != null && live > 0;
	}

	private boolean updateRow(TaskStateChange change, long now, long expiresAt) {
		return this.jdbc.update(this.table.update,
				(ps) -> TaskColumns.bindUpdate(ps, change, now, expiresAt, this.maxHistory)) > 0;
	}

	private boolean insertRow(TaskStateChange change, long now, long expiresAt) {
		return insertIfAbsent(() -> this.jdbc.update(this.table.insert,
				(ps) -> TaskColumns.bindInsert(ps, change, now, expiresAt, this.maxHistory)));
	}

	/**
	 * Write a change if the row is still as it was read.
	 * @return whether the row was written
	 */
	boolean updateIfUnchanged(StoredTask read, TaskStateChange change, long now) {
		return this.jdbc.update(this.table.updateIfUnchanged, (ps) -> TaskColumns.bindUpdateIfUnchanged(ps, read,
				change, now, expiresAt(change, now), this.maxHistory)) > 0;
	}

	/**
	 * Revoke a task that has not started.
	 * @return whether the task was waiting and is now revoked
	 */
	boolean revoke(String id, Instant at, long now) {
		return this.jdbc.update((this.maxHistory > 0) ? this.table.revokeRecorded : this.table.revoke,
				TaskColumns.revokeArgs(id, at, new TaskError(TaskRevokedException.class.getName(), REVOKED_MESSAGE), now,
						now + this.timeToLive, this.maxHistory)) > 0;
	}

	/**
	 * Delete the row of a task.
	 */
	void delete(String id) {
		this.jdbc.update(this.table.delete, id);
	}

}
