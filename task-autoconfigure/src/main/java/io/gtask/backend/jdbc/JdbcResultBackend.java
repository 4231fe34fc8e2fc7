package io.gtask.backend.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import javax.sql.DataSource;

import io.gtask.backend.CompletionPoller;
import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.NewTask;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskHistory;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.TaskInfo;
import io.gtask.lifecycle.AbstractSmartLifecycle;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.log.LogAccessor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;
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
 * lock timeout are tried again, up to five times in all, unless they joined such a transaction
 * ({@link WriteTransactions}).
 * <p>
 * The backend keeps the settings and the lifecycle, and reads the time; its collaborators do
 * the work: {@link TaskRowWriter} and {@link TaskRowReader} run the statements of
 * {@link TaskTable}, {@link ExpiredRowCleaner} deletes expired rows, and a
 * {@link CompletionPoller} tells the waiting callers.
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

	private static final int MAX_IDS_PER_QUERY = 100;

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private final JdbcPlatform platform;

	private final TaskTable table;

	private final WriteTransactions transactions;

	private final ExpiredRowCleaner cleaner;

	private final Duration timeToLive;

	private final Duration pollInterval;

	private final CompletionPoller poller;

	private @Nullable ScheduledFuture<?> cleaning;

	private volatile boolean destroyed;

	private Duration cleanupInterval = DEFAULT_CLEANUP_INTERVAL;

	private int cleanupBatchSize = DEFAULT_CLEANUP_BATCH_SIZE;

	private int maxHistory = TaskHistory.DEFAULT_MAX_HISTORY;

	private TaskRowWriter writer;

	private TaskRowReader reader;

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
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.platform = platform;
		this.table = new TaskTable(tablePrefix, platform);
		this.transactions = new WriteTransactions(dataSource, platform);
		this.cleaner = new ExpiredRowCleaner(this.jdbc, this.table, this.transactions);
		this.timeToLive = timeToLive;
		this.pollInterval = pollInterval;
		this.writer = new TaskRowWriter(this.jdbc, this.table, platform, timeToLive, this.maxHistory);
		this.reader = new TaskRowReader(this.jdbc, this.table, this.maxHistory);
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
		this.writer = new TaskRowWriter(this.jdbc, this.table, this.platform, this.timeToLive, maxHistory);
		this.reader = new TaskRowReader(this.jdbc, this.table, maxHistory);
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

	/**
	 * Whether the calling thread runs in a Spring-managed transaction on this backend's
	 * {@link DataSource}, which its writes join.
	 */
	@Override
	public boolean joinsCurrentTransaction() {
		return TransactionSynchronizationManager.isActualTransactionActive()
				&& TransactionSynchronizationManager.hasResource(this.dataSource);
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
			List<String> refused = this.transactions.write((status) -> this.writer.insertAll(tasks, now()));
			return CompletableFuture.completedFuture(refused);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public void update(List<TaskStateChange> changes) {
		if (changes.isEmpty()) {
			return;
		}
		this.transactions.write((status) -> {
			this.writer.updateAll(changes, now());
			return null;
		});
	}

	@Override
	public List<StoredTask> findStale(Instant olderThan, @Nullable StoredTask after, int limit) {
		return this.reader.findStale(olderThan, after, limit, now());
	}

	@Override
	public boolean updateIfUnchanged(StoredTask read, TaskStateChange change) {
		Assert.isTrue(read.id().equals(change.id()), "A change applies to the task that was read");
		return this.transactions.write((status) -> this.writer.updateIfUnchanged(read, change, now()));
	}

	@Override
	public Optional<StoredTask> findStored(String id) {
		return this.reader.findStored(id, now());
	}

	@Override
	public Optional<TaskInfo> find(String id) {
		return this.reader.find(id, now());
	}

	@Override
	public void delete(String id) {
		this.writer.delete(id);
	}

	@Override
	public boolean revoke(String id, Instant at) {
		return this.writer.revoke(id, at, now());
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
		return this.reader.findAll(ids, now());
	}

	/**
	 * Delete expired rows, in statements of at most the cleanup batch size, each in a short
	 * transaction of its own, until one deletes fewer rows than that.
	 * @return the number of rows deleted
	 */
	public int deleteExpired() {
		return this.cleaner.deleteExpired(now(), this.cleanupBatchSize, () -> this.destroyed);
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
