package io.gtask.backend.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.IntSupplier;

import javax.sql.DataSource;

import io.gtask.backend.CompletionPoller;
import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.NewTask;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskHistory;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRevokedException;
import io.gtask.lifecycle.AbstractSmartLifecycle;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

/**
 * A {@link ResultBackend} that keeps each task in a row of one table of an SQL database.
 * <p>
 * Times are stored as epoch milliseconds. A write that finishes a task sets {@code expires_at}
 * to the time of the write plus the time to live; a write that leaves it unfinished sets it to
 * {@link TaskTable#NEVER}, so that a task waiting for a long countdown, a paused queue or a
 * backlog is never forgotten before it ends. Every read ignores expired rows, which count as
 * absent, so a task is gone after its time to live just as in Redis. While the backend runs, a cleaner
 * deletes expired rows every {@link #setCleanupInterval cleanup interval}, in short statements
 * of at most {@link #setCleanupBatchSize batch size} rows each.
 * <p>
 * A database tells nobody that a row changed, so a caller that waits for a task is told by a
 * poll: one thread reads the rows of all awaited tasks with one query (per hundred ids) every
 * poll interval, and the rows of tasks just awaited at once.
 * <p>
 * Writes run in transactions of their own, one per batch, and join the transaction of the
 * calling thread if it has one on the same {@link DataSource}. Writes that fail on a deadlock or
 * lock timeout are tried again, up to five times in all, unless they joined such a transaction.
 */
public class JdbcResultBackend extends AbstractSmartLifecycle implements DurableResultBackend, DisposableBean {

	/**
	 * The default prefix of the table name.
	 */
	public static final String DEFAULT_TABLE_PREFIX = "gtask_";

	/**
	 * The default interval at which expired rows are deleted.
	 */
	public static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofMinutes(1);

	/**
	 * The default number of rows one statement of the cleaner deletes at most.
	 */
	public static final int DEFAULT_CLEANUP_BATCH_SIZE = 1000;

	private static final LogAccessor logger = new LogAccessor(JdbcResultBackend.class);

	private static final int MAX_WRITE_ATTEMPTS = 5;

	private static final int MAX_UPSERT_ROUNDS = 3;

	private static final int MAX_IDS_PER_QUERY = 100;

	private static final String REVOKED_MESSAGE = "Revoked before it started";

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final JdbcPlatform platform;

	private final TaskTable table;

	private final Duration timeToLive;

	private final Duration pollInterval;

	private final CompletionPoller poller;

	private @Nullable ScheduledFuture<?> cleaning;

	private volatile boolean destroyed;

	private Duration cleanupInterval = DEFAULT_CLEANUP_INTERVAL;

	private int cleanupBatchSize = DEFAULT_CLEANUP_BATCH_SIZE;

	private int maxHistory = TaskHistory.DEFAULT_MAX_HISTORY;

	/**
	 * Create a backend on the table {@code gtask_task} of a database whose platform is detected.
	 * @param dataSource the database
	 * @param timeToLive how long a task is kept after it ends (an unfinished task is kept until it ends)
	 * @param pollInterval how often the states of awaited tasks are read
	 */
	public JdbcResultBackend(DataSource dataSource, Duration timeToLive, Duration pollInterval) {
		this(dataSource, JdbcPlatform.detect(dataSource), DEFAULT_TABLE_PREFIX, timeToLive, pollInterval);
	}

	/**
	 * Create a backend.
	 * @param dataSource the database
	 * @param platform the kind of database
	 * @param tablePrefix the prefix of the table name: letters, digits and underscores
	 * @param timeToLive how long a task is kept after it ends (an unfinished task is kept until it ends)
	 * @param pollInterval how often the states of awaited tasks are read
	 */
	public JdbcResultBackend(DataSource dataSource, JdbcPlatform platform, String tablePrefix, Duration timeToLive,
			Duration pollInterval) {
		// stops after the consumer container, like the Redis backend
		super(STORE_PHASE, "gtask-jdbc-cleaner-");
		Assert.isTrue(timeToLive.toMillis() > 0, "Time to live must be positive");
		Assert.isTrue(pollInterval.toMillis() > 0, "Poll interval must be positive");
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
		this.transactions.setIsolationLevel(platform.isolationLevel());
		this.platform = platform;
		this.table = new TaskTable(tablePrefix, platform);
		this.timeToLive = timeToLive;
		this.pollInterval = pollInterval;
		this.poller = new CompletionPoller("gtask-jdbc-result-", this::findAll, pollInterval, MAX_IDS_PER_QUERY);
	}

	/**
	 * Set the interval at which expired rows are deleted while the backend runs.
	 * @param cleanupInterval the interval
	 */
	public void setCleanupInterval(Duration cleanupInterval) {
		Assert.isTrue(cleanupInterval.toMillis() > 0, "Cleanup interval must be positive");
		this.cleanupInterval = cleanupInterval;
	}

	/**
	 * Set the most rows that one statement of the cleaner deletes.
	 * @param cleanupBatchSize the number of rows
	 */
	public void setCleanupBatchSize(int cleanupBatchSize) {
		Assert.isTrue(cleanupBatchSize > 0, "Cleanup batch size must be positive");
		this.cleanupBatchSize = cleanupBatchSize;
	}

	/**
	 * Set how many of a task's latest events its history answers, {@code 0} for none (nothing
	 * is then written either). Events are appended to the {@code history} column of the task's
	 * row, one JSON object per line, and the latest are picked when read: the column holds all
	 * events of the task, which its retries bound.
	 * @param maxHistory the number of events
	 */
	public void setMaxHistory(int maxHistory) {
		Assert.isTrue(maxHistory >= 0, "Max history must not be negative");
		this.maxHistory = maxHistory;
	}

	/**
	 * How many of a task's latest events its history answers.
	 * @return the number of events
	 */
	public int getMaxHistory() {
		return this.maxHistory;
	}

	/**
	 * How long a task is kept after its last change.
	 * @return the time to live
	 */
	public Duration getTimeToLive() {
		return this.timeToLive;
	}

	/**
	 * How often the states of awaited tasks are read.
	 * @return the poll interval
	 */
	public Duration getPollInterval() {
		return this.pollInterval;
	}

	/**
	 * The kind of database.
	 * @return the platform
	 */
	public JdbcPlatform getPlatform() {
		return this.platform;
	}

	/**
	 * The name of the table.
	 * @return the name
	 */
	public String getTableName() {
		return this.table.getName();
	}

	@Override
	public CompletableFuture<List<String>> create(List<NewTask> tasks) {
		if (tasks.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		for (NewTask task : tasks) {
			Assert.isTrue(task.name().length() <= TaskTable.MAX_NAME_LENGTH, () -> "Task name '" + task.name()
					+ "' is longer than the " + TaskTable.MAX_NAME_LENGTH + " characters the JDBC result backend holds");
		}
		try {
			return CompletableFuture.completedFuture(write((status) -> insertAll(tasks)));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private List<String> insertAll(List<NewTask> tasks) {
		long now = now();
		// a sent task is unfinished: it is kept until it ends
		long expiresAt = TaskTable.NEVER;
		List<String> refused = new ArrayList<>();
		int[] counts = null;
		if (this.platform.countsBatchedInserts()) {
			counts = this.jdbc.batchUpdate(this.table.insert, new BatchPreparedStatementSetter() {

				@Override
				public void setValues(PreparedStatement ps, int i) throws SQLException {
					NewTask task = tasks.get(i);
					TaskTable.bindInsert(ps, task, now, expiresAt, JdbcResultBackend.this.maxHistory);
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
		return insertIfAbsent(
				() -> this.jdbc.update(this.table.insert, (ps) -> TaskTable.bindInsert(ps, task, now, expiresAt, this.maxHistory)));
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

	@Override
	public void update(List<TaskStateChange> changes) {
		if (changes.isEmpty()) {
			return;
		}
		write((status) -> {
			updateAll(changes);
			return null;
		});
	}

	/**
	 * Update every row in one batch; then, from the first change that found no row on, write
	 * again in order each change that found none and each later change of the same task.
	 */
	private void updateAll(List<TaskStateChange> changes) {
		long now = now();
		int[] counts = this.jdbc.batchUpdate(this.table.update, new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				TaskStateChange change = changes.get(i);
				TaskTable.bindUpdate(ps, change, now, expiresAt(change, now), JdbcResultBackend.this.maxHistory);
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
			Integer live = this.jdbc.queryForObject(this.table.countLive, Integer.class, change.id(), now);
			if (live != null && live > 0) {
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
		return change.status().isFinished() ? now + this.timeToLive.toMillis() : TaskTable.NEVER;
	}

	private boolean isLive(String id, long now) {
		Integer live = this.jdbc.queryForObject(this.table.countLive, Integer.class, id, now);
		return live != null && live > 0;
	}

	private boolean updateRow(TaskStateChange change, long now, long expiresAt) {
		return this.jdbc.update(this.table.update, (ps) -> TaskTable.bindUpdate(ps, change, now, expiresAt, this.maxHistory)) > 0;
	}

	private boolean insertRow(TaskStateChange change, long now, long expiresAt) {
		return insertIfAbsent(() -> this.jdbc.update(this.table.insert,
				(ps) -> TaskTable.bindInsert(ps, change, now, expiresAt, this.maxHistory)));
	}

	/**
	 * Run writes in a transaction, again if it failed on a lock, unless it joined the caller's.
	 */
	private <T> T write(TransactionCallback<T> action) {
		boolean joined = TransactionSynchronizationManager.isActualTransactionActive();
		for (int attempt = 1;; attempt++) {
			try {
				return this.transactions.execute(action);
			}
			catch (ConcurrencyFailureException ex) {
				if (joined || attempt >= MAX_WRITE_ATTEMPTS) {
					throw ex;
				}
				int failed = attempt;
				logger.debug(ex, () -> "Writing task states failed on a lock (attempt " + failed + "); trying again");
			}
		}
	}

	@Override
	public List<StoredTask> findStale(Instant olderThan, @Nullable StoredTask after, int limit) {
		long cutoff = olderThan.toEpochMilli();
		List<Object> args = new ArrayList<>(List.of(now(), cutoff, cutoff));
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
		}, (rs, row) -> TaskTable.toStored(rs));
	}

	@Override
	public boolean updateIfUnchanged(StoredTask read, TaskStateChange change) {
		Assert.isTrue(read.id().equals(change.id()), "A change applies to the task that was read");
		return write((status) -> {
			long now = now();
			return this.jdbc.update(this.table.updateIfUnchanged, (ps) -> TaskTable.bindUpdateIfUnchanged(ps, read,
					change, now, expiresAt(change, now), this.maxHistory)) > 0;
		});
	}

	@Override
	public Optional<StoredTask> findStored(String id) {
		List<StoredTask> found = this.jdbc.query(this.table.findStored, (rs, row) -> TaskTable.toStored(rs), id, now());
		return found.stream().findFirst();
	}

	@Override
	public Optional<TaskInfo> find(String id) {
		List<TaskInfo> found = this.jdbc.query(this.table.find, (rs, row) -> TaskTable.toInfo(rs, this.maxHistory), id, now());
		return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
	}

	@Override
	public void delete(String id) {
		this.jdbc.update(this.table.delete, id);
	}

	@Override
	public boolean revoke(String id, Instant at) {
		long now = now();
		return this.jdbc.update((this.maxHistory > 0) ? this.table.revokeRecorded : this.table.revoke,
				TaskTable.revokeArgs(id, at, new TaskError(TaskRevokedException.class.getName(), REVOKED_MESSAGE), now,
						now + this.timeToLive.toMillis(), this.maxHistory)) > 0;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The state is read at once on the backend's polling thread, then every poll interval,
	 * until the task is finished or unknown; cancelling the future stops reading it.
	 */
	@Override
	public CompletableFuture<TaskInfo> whenFinished(String id) {
		return this.poller.whenFinished(id);
	}

	private Map<String, TaskInfo> findAll(List<String> ids) {
		Map<String, TaskInfo> found = new HashMap<>();
		List<Object> args = new ArrayList<>(ids);
		args.add(now());
		this.jdbc.query(this.table.findAll(ids.size()), (rs) -> {
			TaskInfo info = TaskTable.toInfo(rs, this.maxHistory);
			found.put(info.id(), info);
		}, args.toArray());
		return found;
	}

	/**
	 * Delete expired rows, in statements of at most the cleanup batch size, each in a short
	 * transaction of its own, until one deletes fewer rows than that.
	 * @return the number of rows deleted
	 */
	public int deleteExpired() {
		long now = now();
		int total = 0;
		int deleted;
		do {
			deleted = write((status) -> this.jdbc.update(this.table.deleteExpiredBatch, now, this.cleanupBatchSize));
			total += deleted;
		}
		while (deleted >= this.cleanupBatchSize && !this.destroyed);
		return total;
	}

	private void clean() {
		try {
			int deleted = deleteExpired();
			if (deleted > 0) {
				logger.debug(() -> "Deleted " + deleted + " expired task states from " + getTableName());
			}
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not delete expired task states from " + getTableName()
					+ "; will try again in " + this.cleanupInterval);
		}
	}

	private long now() {
		return getClock().millis();
	}

	/**
	 * Start deleting expired rows every cleanup interval.
	 */
	@Override
	protected void doStart() {
		this.cleaning = scheduleWithFixedDelay(this::clean, this.cleanupInterval);
	}

	/**
	 * Stop deleting expired rows. Waiting callers are still told.
	 */
	@Override
	protected void doStop() {
		ScheduledFuture<?> cleaning = this.cleaning;
		this.cleaning = null;
		if (cleaning != null) {
			cleaning.cancel(false);
		}
	}

	/**
	 * Stop the threads; callers still waiting are told that the backend closed.
	 */
	@Override
	public void destroy() {
		this.destroyed = true;
		stop();
		this.poller.close();
	}

	/**
	 * Number of tasks callers wait for, for tests.
	 */
	int awaitedTaskCount() {
		return this.poller.awaitedTaskCount();
	}

}
