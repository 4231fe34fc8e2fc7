package io.gtask.backend.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.gtask.backend.NewTask;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.DurableResultBackendContractTests;
import io.gtask.backend.TaskHistory;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import io.gtask.test.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The result backend contract on one SQL database, and what the JDBC backend adds to it:
 * expired rows that are still in the table, the cleaner, the schema script and polling.
 */
abstract class JdbcResultBackendContractTests extends DurableResultBackendContractTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final List<JdbcResultBackend> extraBackends = new ArrayList<>();

	private final String prefix = "j-" + UUID.randomUUID().toString().substring(0, 8) + "-";

	private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private final MutableClock clock = new MutableClock();

	/**
	 * The database of the test class.
	 * @return the database
	 */
	protected abstract TestDatabase database();

	@Override
	protected ResultBackend createBackend(Duration timeToLive, Duration pollInterval, int maxHistory) {
		JdbcResultBackend backend = new JdbcResultBackend(database().dataSource(), database().platform(),
				database().tablePrefix(), timeToLive, pollInterval);
		backend.setMaxHistory(maxHistory);
		backend.start();
		return backend;
	}

	@Override
	protected ResultBackend createTrackedBackend() {
		return track(createBackend(TTL, Duration.ofMillis(200), TaskHistory.DEFAULT_MAX_HISTORY));
	}

	@AfterEach
	void destroyExtraBackends() {
		this.extraBackends.forEach(JdbcResultBackend::destroy);
	}

	private JdbcResultBackend clockedBackend(Duration timeToLive) {
		JdbcResultBackend backend = new JdbcResultBackend(database().dataSource(), database().platform(),
				database().tablePrefix(), timeToLive, Duration.ofMillis(100));
		backend.setClock(this.clock);
		this.extraBackends.add(backend);
		return backend;
	}

	private String id(String name) {
		return this.prefix + name;
	}

	private NewTask newTask(String id, boolean exclusive) {
		return new NewTask(id, "report", "reports", this.now, exclusive);
	}

	private int rows(String idPrefix) {
		Integer count = new JdbcTemplate(database().dataSource()).queryForObject(
				"SELECT COUNT(*) FROM " + database().tableName() + " WHERE id LIKE ?", Integer.class, idPrefix + "%");
		return (count != null) ? count : 0;
	}

	@Test
	void platformIsDetectedFromTheDataSource() {
		assertThat(JdbcPlatform.detect(database().dataSource())).isEqualTo(database().platform());
	}

	@Test
	void schemaScriptRunsInEmbeddedModeOnlyOnAnEmbeddedDatabaseAndCanRunAgain() {
		assertThat(database().initializer(DatabaseInitializationMode.EMBEDDED).initializeDatabase())
			.isEqualTo(database().embedded());
		assertThat(database().initializer(DatabaseInitializationMode.NEVER).initializeDatabase()).isFalse();
		assertThat(database().initializer(DatabaseInitializationMode.ALWAYS).initializeDatabase()).isTrue();
	}

	@Test
	void expiredRowsAreDeletedInSeveralBatchesAndLiveRowsAreKept() {
		JdbcResultBackend backend = clockedBackend(Duration.ofMinutes(1));
		backend.setCleanupBatchSize(10);
		backend.create(IntStream.range(0, 25).mapToObj((i) -> newTask(id("old-" + i), false)).toList()).join();
		backend.update(IntStream.range(0, 25)
			.mapToObj((i) -> TaskStateChange.success(id("old-" + i), "report", "reports", this.now, 1, "1"))
			.toList());
		backend.create(List.of(newTask(id("unfinished"), false))).join();
		this.clock.advance(Duration.ofMinutes(2));
		backend.create(IntStream.range(0, 3).mapToObj((i) -> newTask(id("new-" + i), false)).toList()).join();
		assertThat(rows(id("old-"))).isEqualTo(25);
		// more than one batch of 10 (rows other tests left may have expired too)
		assertThat(backend.deleteExpired()).isGreaterThanOrEqualTo(25);
		assertThat(rows(id("old-"))).isZero();
		assertThat(rows(id("new-"))).isEqualTo(3);
		assertThat(rows(id("unfinished"))).isOne();
		assertThat(backend.deleteExpired()).isZero();
	}

	@Test
	void runningBackendDeletesExpiredRowsEveryCleanupInterval() {
		JdbcResultBackend backend = clockedBackend(Duration.ofMinutes(1));
		backend.setCleanupInterval(Duration.ofMillis(100));
		backend.create(List.of(newTask(id("cleaned"), false))).join();
		backend.update(List.of(TaskStateChange.success(id("cleaned"), "report", "reports", this.now, 1, "1")));
		backend.start();
		assertThat(backend.isRunning()).isTrue();
		this.clock.advance(Duration.ofMinutes(2));
		await().atMost(WAIT).until(() -> rows(id("cleaned")) == 0);
		backend.stop();
		assertThat(backend.isRunning()).isFalse();
	}

	@Test
	void expiredRowThatIsNotDeletedYetCountsAsAbsent() {
		JdbcResultBackend backend = clockedBackend(Duration.ofMinutes(1));
		String id = id("expired-exclusive");
		String changed = id("expired-changed");
		backend.create(List.of(newTask(id, true), newTask(changed, false))).join();
		backend.update(List.of(TaskStateChange.failure(id, "report", "reports", this.now, 1, new TaskError("x.E", "e")),
				TaskStateChange.success(changed, "report", "reports", this.now, 1, "\"old\"")));
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(rows(id)).isOne();
		assertThat(backend.find(id)).isEmpty();
		assertThat(backend.revoke(id, this.now)).isFalse();

		Instant later = this.now.plusSeconds(120);
		assertThat(backend.create(List.of(new NewTask(id, "report", "reports", later, true))).join()).isEmpty();
		TaskInfo recreated = backend.find(id).orElseThrow();
		assertThat(recreated.status()).isEqualTo(TaskStatus.PENDING);
		assertThat(recreated.createdAt()).isEqualTo(later);
		assertThat(recreated.attempts()).isZero();
		assertThat(recreated.startedAt()).isNull();

		// as in Redis, a change of an expired task starts a new record, created at the change
		backend.update(List.of(TaskStateChange.started(changed, "report", "reports", later, 2)));
		TaskInfo restarted = backend.find(changed).orElseThrow();
		assertThat(restarted.status()).isEqualTo(TaskStatus.STARTED);
		assertThat(restarted.result()).isNull();
		assertThat(restarted.finishedAt()).isNull();
		assertThat(restarted.createdAt()).isEqualTo(later);
	}

	@Test
	void concurrentFirstWritesOfOneTaskInsertOneRow() throws Exception {
		ResultBackend backend = clockedBackend(Duration.ofMinutes(1));
		int threads = 8;
		int tasks = 20;
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < tasks; i++) {
						// no row yet: every thread's update races to insert it
						backend.update(List.of(TaskStateChange.retry(id("first-" + i), "report", "reports", this.now,
								thread, new TaskError("x.E", "from " + thread), this.now.plusSeconds(1))));
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(rows(id("first-"))).isEqualTo(tasks);
		for (int i = 0; i < tasks; i++) {
			TaskInfo info = backend.find(id("first-" + i)).orElseThrow();
			assertThat(info.status()).isEqualTo(TaskStatus.RETRY);
			assertThat(info.error().message()).isEqualTo("from " + info.attempts());
		}
	}

	@Test
	void idsThatDifferOnlyInCaseAreDifferentTasks() {
		ResultBackend backend = clockedBackend(Duration.ofMinutes(1));
		String lower = id("case-abc");
		String upper = id("case-ABC");
		assertThat(backend.create(List.of(newTask(lower, true), newTask(upper, true))).join()).isEmpty();
		backend.update(List.of(TaskStateChange.started(upper, "report", "reports", this.now, 1)));
		assertThat(backend.find(lower).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
		assertThat(backend.find(upper).orElseThrow().status()).isEqualTo(TaskStatus.STARTED);
	}

	@Test
	void longResultsAndErrorsAreKeptWhole() {
		ResultBackend backend = clockedBackend(Duration.ofMinutes(1));
		String result = "\"" + "r".repeat(300_000) + "\"";
		String message = "m".repeat(100_000);
		String type = "x." + "T".repeat(600);
		backend.update(List.of(TaskStateChange.success(id("long-result"), "report", "reports", this.now, 1, result),
				TaskStateChange.failure(id("long-error"), "report", "reports", this.now, 1,
						new TaskError(type, message))));
		assertThat(backend.find(id("long-result")).orElseThrow().result()).isEqualTo(result);
		TaskError error = backend.find(id("long-error")).orElseThrow().error();
		assertThat(error.message()).isEqualTo(message);
		assertThat(error.type()).isEqualTo(type.substring(0, 500));
	}

	@Test
	void taskNameLongerThanItsColumnIsRefusedBeforeAnythingIsWritten() {
		ResultBackend backend = clockedBackend(Duration.ofMinutes(1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> backend.create(List.of(new NewTask(id("long-name"), "n".repeat(201), "q", this.now,
					false))))
			.withMessageContaining("200 characters");
		assertThat(rows(id("long-name"))).isZero();
	}

	@Test
	void createJoinsTheCallersTransaction() {
		ResultBackend backend = clockedBackend(Duration.ofMinutes(1));
		TransactionTemplate transaction = new TransactionTemplate(
				new JdbcTransactionManager(database().dataSource()));
		transaction.executeWithoutResult((status) -> {
			backend.create(List.of(newTask(id("rolled-back"), true))).join();
			status.setRollbackOnly();
		});
		assertThat(backend.find(id("rolled-back"))).isEmpty();
	}

	@Test
	void manyWaitingCallersAreToldByBatchedReads() {
		JdbcResultBackend backend = clockedBackend(Duration.ofMinutes(1));
		List<String> ids = IntStream.range(0, 250).mapToObj((i) -> id("many-" + i)).toList();
		backend.create(ids.stream().map((id) -> newTask(id, false)).toList()).join();
		List<CompletableFuture<TaskInfo>> futures = ids.stream().map(backend::whenFinished).toList();
		assertThat(futures).allMatch((future) -> !future.isDone());
		backend.update(
				ids.stream().map((id) -> TaskStateChange.success(id, "report", "reports", this.now, 1, "1")).toList());
		assertThat(CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))).succeedsWithin(WAIT);
		assertThat(futures).allMatch((future) -> future.join().status() == TaskStatus.SUCCESS);
		await().atMost(WAIT).until(() -> backend.awaitedTaskCount() == 0);
	}

	@Test
	void cancelledWaitIsForgotten() {
		JdbcResultBackend backend = clockedBackend(Duration.ofMinutes(1));
		String id = id("cancelled-wait");
		backend.create(List.of(newTask(id, false))).join();
		CompletableFuture<TaskInfo> future = backend.whenFinished(id);
		assertThat(backend.awaitedTaskCount()).isOne();
		future.cancel(false);
		assertThat(backend.awaitedTaskCount()).isZero();
	}

	@Test
	void closingTheBackendFailsWaitingCallers() {
		JdbcResultBackend backend = clockedBackend(Duration.ofMinutes(1));
		String id = id("closed-wait");
		backend.create(List.of(newTask(id, false))).join();
		CompletableFuture<TaskInfo> future = backend.whenFinished(id);
		backend.destroy();
		assertThat(future).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(GTaskException.class);
		assertThat(backend.whenFinished(id)).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(GTaskException.class);
	}

}
