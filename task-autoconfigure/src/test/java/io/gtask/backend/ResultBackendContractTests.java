package io.gtask.backend;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.gtask.core.TaskError;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRevokedException;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.Lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The contract every {@link ResultBackend} passes: each subclass runs it against a real store.
 */
public abstract class ResultBackendContractTests {

	protected static final Duration TTL = Duration.ofHours(1);

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final List<ResultBackend> backends = new ArrayList<>();

	private final String prefix = "t-" + UUID.randomUUID().toString().substring(0, 8) + "-";

	private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private ResultBackend backend;

	/**
	 * Create a backend on the store under test.
	 * @param timeToLive how long a task is kept after its last change
	 * @param pollInterval how often waiting callers check the state
	 * @param maxHistory how many of a task's latest events its history keeps
	 * @return the backend, started if it needs starting
	 */
	protected abstract ResultBackend createBackend(Duration timeToLive, Duration pollInterval, int maxHistory);

	@BeforeEach
	void createDefaultBackend() {
		this.backend = backend(TTL);
	}

	@AfterEach
	void closeBackends() throws Exception {
		for (ResultBackend backend : this.backends) {
			if (backend instanceof Lifecycle lifecycle) {
				lifecycle.stop();
			}
			if (backend instanceof DisposableBean disposable) {
				disposable.destroy();
			}
		}
	}

	/**
	 * Close a backend after the test.
	 * @param backend the backend
	 * @return the backend
	 */
	protected final ResultBackend track(ResultBackend backend) {
		this.backends.add(backend);
		return backend;
	}

	private ResultBackend backend(Duration ttl) {
		return backend(ttl, TaskHistory.DEFAULT_MAX_HISTORY);
	}

	private ResultBackend backend(Duration ttl, int maxHistory) {
		ResultBackend backend = createBackend(ttl, Duration.ofMillis(200), maxHistory);
		this.backends.add(backend);
		return backend;
	}

	private String id(String name) {
		return this.prefix + name;
	}

	private NewTask newTask(String id, boolean exclusive) {
		return new NewTask(id, "report", "reports", this.now, exclusive);
	}

	private NewTask newTask(String id, String args) {
		return new NewTask(id, "report", "reports", this.now, false, null, null, args);
	}

	private TaskInfo find(String id) {
		return this.backend.find(id).orElseThrow(() -> new AssertionError("No task " + id));
	}

	@Test
	void createdTaskIsPending() {
		String id = id("created");
		assertThat(this.backend.create(List.of(newTask(id, false))).join()).isEmpty();
		TaskInfo info = find(id);
		assertThat(info.id()).isEqualTo(id);
		assertThat(info.name()).isEqualTo("report");
		assertThat(info.queue()).isEqualTo("reports");
		assertThat(info.status()).isEqualTo(TaskStatus.PENDING);
		assertThat(info.attempts()).isZero();
		assertThat(info.createdAt()).isEqualTo(this.now);
		assertThat(info.result()).isNull();
		assertThat(info.error()).isNull();
		assertThat(info.startedAt()).isNull();
		assertThat(info.finishedAt()).isNull();
		assertThat(info.nextAttemptAt()).isNull();
		assertThat(info.args()).isNull();
		assertThat(info.history()).containsExactly(new TaskEvent(TaskStatus.PENDING, this.now, 0, null));
	}

	@Test
	void unknownIdIsNotFound() {
		assertThat(this.backend.find(id("unknown"))).isEmpty();
		assertThat(this.backend.revoke(id("unknown"), this.now)).isFalse();
	}

	@Test
	void exclusiveCreateOfAKnownIdIsRefusedAndChangesNothing() {
		String id = id("exclusive");
		String other = id("other");
		this.backend.create(List.of(newTask(id, true))).join();
		this.backend.update(List.of(TaskStateChange.started(id, "report", "reports", this.now.plusSeconds(1), 1)));
		List<String> refused = this.backend.create(List.of(newTask(id, true), newTask(other, true))).join();
		assertThat(refused).containsExactly(id);
		assertThat(find(id).status()).isEqualTo(TaskStatus.STARTED);
		assertThat(find(other).status()).isEqualTo(TaskStatus.PENDING);
	}

	@Test
	void createNeverOverwritesAState() {
		String id = id("kept");
		this.backend.update(List.of(TaskStateChange.started(id, "report", "reports", this.now, 1)));
		assertThat(this.backend.create(List.of(newTask(id, false))).join()).isEmpty();
		assertThat(find(id).status()).isEqualTo(TaskStatus.STARTED);
	}

	@Test
	void startedRetrySuccessRecordsEachStep() {
		String id = id("success");
		this.backend.create(List.of(newTask(id, false))).join();
		Instant started = this.now.plusSeconds(1);
		this.backend.update(List.of(TaskStateChange.started(id, "report", "reports", started, 1)));
		TaskInfo running = find(id);
		assertThat(running.status()).isEqualTo(TaskStatus.STARTED);
		assertThat(running.attempts()).isEqualTo(1);
		assertThat(running.startedAt()).isEqualTo(started);
		assertThat(running.createdAt()).isEqualTo(this.now);

		Instant next = this.now.plusSeconds(10);
		this.backend.update(List.of(TaskStateChange.retry(id, "report", "reports", this.now.plusSeconds(2), 1,
				new TaskError("java.io.IOException", "disk full"), next)));
		TaskInfo retry = find(id);
		assertThat(retry.status()).isEqualTo(TaskStatus.RETRY);
		assertThat(retry.error()).isEqualTo(new TaskError("java.io.IOException", "disk full"));
		assertThat(retry.nextAttemptAt()).isEqualTo(next);
		assertThat(retry.finishedAt()).isNull();

		Instant secondStart = this.now.plusSeconds(11);
		this.backend.update(List.of(TaskStateChange.started(id, "report", "reports", secondStart, 2),
				TaskStateChange.success(id, "report", "reports", this.now.plusSeconds(12), 2, "{\"total\":42}")));
		TaskInfo done = find(id);
		assertThat(done.status()).isEqualTo(TaskStatus.SUCCESS);
		assertThat(done.isFinished()).isTrue();
		assertThat(done.result()).isEqualTo("{\"total\":42}");
		assertThat(done.error()).isNull();
		assertThat(done.nextAttemptAt()).isNull();
		assertThat(done.attempts()).isEqualTo(2);
		assertThat(done.startedAt()).isEqualTo(secondStart);
		assertThat(done.finishedAt()).isEqualTo(this.now.plusSeconds(12));
		assertThat(done.createdAt()).isEqualTo(this.now);
	}

	@Test
	void outcomeMergedWithItsStartRecordsBoth() {
		String id = id("merged");
		this.backend.create(List.of(newTask(id, false))).join();
		Instant started = this.now.plusMillis(5);
		this.backend.update(List.of(TaskStateChange.success(id, "report", "reports", this.now.plusMillis(9), 1, "1")
			.withStartedAt(started)));
		TaskInfo info = find(id);
		assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
		assertThat(info.startedAt()).isEqualTo(started);
		assertThat(info.finishedAt()).isEqualTo(this.now.plusMillis(9));
	}

	@Test
	void failureRevokedAndExpiredKeepTheErrorAndNoResult() {
		for (TaskStatus status : List.of(TaskStatus.FAILURE, TaskStatus.REVOKED, TaskStatus.EXPIRED)) {
			String id = id("final-" + status);
			this.backend.create(List.of(newTask(id, false))).join();
			TaskError error = new TaskError("x.Boom", "it broke: " + status);
			Instant at = this.now.plusSeconds(3);
			TaskStateChange change = switch (status) {
				case FAILURE -> TaskStateChange.failure(id, "report", "reports", at, 3, error);
				case REVOKED -> TaskStateChange.revoked(id, "report", "reports", at, 3, error);
				default -> TaskStateChange.expired(id, "report", "reports", at, 3, error);
			};
			this.backend.update(List.of(change));
			TaskInfo info = find(id);
			assertThat(info.status()).isEqualTo(status);
			assertThat(info.isFinished()).isTrue();
			assertThat(info.error()).isEqualTo(error);
			assertThat(info.result()).isNull();
			assertThat(info.attempts()).isEqualTo(3);
			assertThat(info.finishedAt()).isEqualTo(at);
		}
	}

	@Test
	void requeuedTaskIsPendingAgainWithItsLastAttemptCleared() {
		String id = id("requeued");
		this.backend.create(List.of(newTask(id, false))).join();
		this.backend.update(List.of(TaskStateChange.started(id, "report", "reports", this.now, 1),
				TaskStateChange.failure(id, "report", "reports", this.now.plusSeconds(1), 1, new TaskError("x.E", "no"))));
		this.backend.update(List.of(TaskStateChange.requeued(id, "report", "reports", this.now.plusSeconds(2))));
		TaskInfo info = find(id);
		assertThat(info.status()).isEqualTo(TaskStatus.PENDING);
		assertThat(info.attempts()).isZero();
		assertThat(info.error()).isNull();
		assertThat(info.startedAt()).isNull();
		assertThat(info.finishedAt()).isNull();
		assertThat(info.createdAt()).isEqualTo(this.now);
	}

	@Test
	void historyTellsEveryStateWithItsTimeAttemptAndError() throws Exception {
		String id = id("history");
		this.backend.create(List.of(newTask(id, false))).join();
		CompletableFuture<TaskInfo> finished = this.backend.whenFinished(id);
		TaskError error = new TaskError("java.io.IOException", "disk full\n\"quoted\" r\u00e9sum\u00e9 \ud83d\udcc4");
		this.backend.update(List.of(TaskStateChange.started(id, "report", "reports", this.now.plusSeconds(1), 1)));
		this.backend.update(List.of(TaskStateChange.retry(id, "report", "reports", this.now.plusSeconds(2), 1, error,
				this.now.plusSeconds(10))));
		this.backend.update(List.of(TaskStateChange.started(id, "report", "reports", this.now.plusSeconds(11), 2),
				TaskStateChange.success(id, "report", "reports", this.now.plusSeconds(12), 2, "42")));
		List<TaskEvent> expected = List.of(new TaskEvent(TaskStatus.PENDING, this.now, 0, null),
				new TaskEvent(TaskStatus.STARTED, this.now.plusSeconds(1), 1, null),
				new TaskEvent(TaskStatus.RETRY, this.now.plusSeconds(2), 1, error),
				new TaskEvent(TaskStatus.STARTED, this.now.plusSeconds(11), 2, null),
				new TaskEvent(TaskStatus.SUCCESS, this.now.plusSeconds(12), 2, null));
		assertThat(find(id).history()).isEqualTo(expected);
		assertThat(finished.get(WAIT.toSeconds(), TimeUnit.SECONDS).history()).isEqualTo(expected);
	}

	@Test
	void outcomeMergedWithItsStartAddsBothToTheHistory() {
		String id = id("merged-history");
		this.backend.create(List.of(newTask(id, false))).join();
		TaskError error = new TaskError("x.Boom", "no");
		this.backend.update(List.of(TaskStateChange
			.retry(id, "report", "reports", this.now.plusMillis(9), 1, error, this.now.plusSeconds(5))
			.withStartedAt(this.now.plusMillis(5))));
		this.backend.update(List.of(TaskStateChange.failure(id, "report", "reports", this.now.plusSeconds(7), 2, error)
			.withStartedAt(this.now.plusSeconds(6))));
		assertThat(find(id).history()).containsExactly(new TaskEvent(TaskStatus.PENDING, this.now, 0, null),
				new TaskEvent(TaskStatus.STARTED, this.now.plusMillis(5), 1, null),
				new TaskEvent(TaskStatus.RETRY, this.now.plusMillis(9), 1, error),
				new TaskEvent(TaskStatus.STARTED, this.now.plusSeconds(6), 2, null),
				new TaskEvent(TaskStatus.FAILURE, this.now.plusSeconds(7), 2, error));
	}

	@Test
	void requeueAndRevokeAreInTheHistory() {
		String requeued = id("requeued-history");
		String retrying = id("revoked-history");
		this.backend.create(List.of(newTask(requeued, false), newTask(retrying, false))).join();
		TaskError error = new TaskError("x.E", "no");
		this.backend.update(List.of(TaskStateChange.started(requeued, "report", "reports", this.now.plusSeconds(1), 1),
				TaskStateChange.failure(requeued, "report", "reports", this.now.plusSeconds(2), 1, error),
				TaskStateChange.retry(retrying, "report", "reports", this.now.plusSeconds(2), 1, error,
						this.now.plusSeconds(60))));
		this.backend.update(List.of(TaskStateChange.requeued(requeued, "report", "reports", this.now.plusSeconds(3))));
		assertThat(this.backend.revoke(requeued, this.now.plusSeconds(4))).isTrue();
		assertThat(this.backend.revoke(retrying, this.now.plusSeconds(5))).isTrue();
		TaskError revoked = new TaskError(TaskRevokedException.class.getName(), "Revoked before it started");
		assertThat(find(requeued).history()).containsExactly(new TaskEvent(TaskStatus.PENDING, this.now, 0, null),
				new TaskEvent(TaskStatus.STARTED, this.now.plusSeconds(1), 1, null),
				new TaskEvent(TaskStatus.FAILURE, this.now.plusSeconds(2), 1, error),
				new TaskEvent(TaskStatus.PENDING, this.now.plusSeconds(3), 0, null),
				new TaskEvent(TaskStatus.REVOKED, this.now.plusSeconds(4), 0, revoked));
		assertThat(find(retrying).history()).containsExactly(new TaskEvent(TaskStatus.PENDING, this.now, 0, null),
				new TaskEvent(TaskStatus.RETRY, this.now.plusSeconds(2), 1, error),
				new TaskEvent(TaskStatus.REVOKED, this.now.plusSeconds(5), 1, revoked));
	}

	@Test
	void historyKeepsTheLatestEvents() {
		ResultBackend backend = backend(TTL, 3);
		String id = id("trimmed");
		backend.create(List.of(newTask(id, false))).join();
		assertThat(backend.find(id).orElseThrow().history())
			.containsExactly(new TaskEvent(TaskStatus.PENDING, this.now, 0, null));
		TaskError error = new TaskError("x.E", "no");
		for (int attempt = 1; attempt <= 3; attempt++) {
			backend.update(List.of(TaskStateChange
				.retry(id, "report", "reports", this.now.plusSeconds(attempt * 2), attempt, error,
						this.now.plusSeconds(60))
				.withStartedAt(this.now.plusSeconds(attempt * 2 - 1))));
		}
		assertThat(backend.find(id).orElseThrow().history()).containsExactly(
				new TaskEvent(TaskStatus.RETRY, this.now.plusSeconds(4), 2, error),
				new TaskEvent(TaskStatus.STARTED, this.now.plusSeconds(5), 3, null),
				new TaskEvent(TaskStatus.RETRY, this.now.plusSeconds(6), 3, error));
		assertThat(backend.revoke(id, this.now.plusSeconds(7))).isTrue();
		assertThat(backend.find(id).orElseThrow().history()).extracting(TaskEvent::status)
			.containsExactly(TaskStatus.STARTED, TaskStatus.RETRY, TaskStatus.REVOKED);
	}

	@Test
	void noHistoryIsKeptWhenTheMaximumIsZero() {
		ResultBackend backend = backend(TTL, 0);
		String id = id("no-history");
		String revoked = id("no-history-revoked");
		String uncreated = id("no-history-uncreated");
		backend.create(List.of(newTask(id, false), newTask(revoked, false))).join();
		backend.update(List.of(TaskStateChange.started(id, "report", "reports", this.now, 1),
				TaskStateChange.success(id, "report", "reports", this.now, 1, "1"),
				TaskStateChange.started(uncreated, "report", "reports", this.now, 1)));
		assertThat(backend.revoke(revoked, this.now)).isTrue();
		assertThat(backend.find(id).orElseThrow().history()).isEmpty();
		assertThat(backend.find(id).orElseThrow().status()).isEqualTo(TaskStatus.SUCCESS);
		assertThat(backend.find(revoked).orElseThrow().history()).isEmpty();
		assertThat(backend.find(uncreated).orElseThrow().history()).isEmpty();
	}

	@Test
	void argumentsWrittenAtCreateSurviveEveryChange() throws Exception {
		String args = "[\"r\u00e9sum\u00e9 \ud83d\udcc4\",{\"pages\":[1,2,3]},null,\"" + "x".repeat(20_000) + "\"]";
		String succeeded = id("args-success");
		String failed = id("args-failure");
		String revoked = id("args-revoked");
		this.backend.create(List.of(newTask(succeeded, args), newTask(failed, args), newTask(revoked, args))).join();
		assertThat(find(succeeded).args()).isEqualTo(args);

		CompletableFuture<TaskInfo> finished = this.backend.whenFinished(succeeded);
		this.backend.update(List.of(TaskStateChange.started(succeeded, "report", "reports", this.now, 1)));
		assertThat(find(succeeded).args()).isEqualTo(args);
		this.backend.update(List.of(TaskStateChange.retry(succeeded, "report", "reports", this.now, 1,
				new TaskError("x.E", "again"), this.now.plusSeconds(1))));
		assertThat(find(succeeded).args()).isEqualTo(args);
		this.backend.update(List.of(TaskStateChange.started(succeeded, "report", "reports", this.now, 2),
				TaskStateChange.success(succeeded, "report", "reports", this.now, 2, "\"done\"")));
		assertThat(finished.get(WAIT.toSeconds(), TimeUnit.SECONDS).args()).isEqualTo(args);
		TaskInfo success = find(succeeded);
		assertThat(success.status()).isEqualTo(TaskStatus.SUCCESS);
		assertThat(success.result()).isEqualTo("\"done\"");
		assertThat(success.args()).isEqualTo(args);

		this.backend.update(List.of(TaskStateChange.started(failed, "report", "reports", this.now, 1),
				TaskStateChange.failure(failed, "report", "reports", this.now, 1, new TaskError("x.E", "no"))));
		assertThat(find(failed).status()).isEqualTo(TaskStatus.FAILURE);
		assertThat(find(failed).args()).isEqualTo(args);
		this.backend.update(List.of(TaskStateChange.requeued(failed, "report", "reports", this.now)));
		assertThat(find(failed).status()).isEqualTo(TaskStatus.PENDING);
		assertThat(find(failed).args()).isEqualTo(args);

		assertThat(this.backend.revoke(revoked, this.now)).isTrue();
		assertThat(find(revoked).args()).isEqualTo(args);
	}

	@Test
	void taskCreatedWithoutArgumentsHasNoneAfterItsChanges() {
		String id = id("no-args");
		this.backend.create(List.of(newTask(id, false))).join();
		assertThat(find(id).args()).isNull();
		this.backend.update(List.of(TaskStateChange.started(id, "report", "reports", this.now, 1)));
		assertThat(find(id).args()).isNull();
		this.backend.update(List.of(TaskStateChange.success(id, "report", "reports", this.now, 1, "1")));
		assertThat(find(id).args()).isNull();
		String failed = id("no-args-failure");
		this.backend.create(List.of(newTask(failed, false))).join();
		this.backend.update(List.of(TaskStateChange.failure(failed, "report", "reports", this.now, 1,
				new TaskError("x.E", "no"))));
		assertThat(find(failed).args()).isNull();
		String uncreated = id("no-args-uncreated");
		this.backend.update(List.of(TaskStateChange.started(uncreated, "report", "reports", this.now, 1)));
		assertThat(find(uncreated).args()).isNull();
	}

	@Test
	void numbersInArgumentsAndResultsAreKeptAsWritten() throws Exception {
		// a backend that stored these as numbers (a BSON double, a JSON column) would round or rescale them
		String numbers = "[12345678901234567890.123456789012345678,10.50,-0.000,1E+3,-9.99E-40,"
				+ "123456789012345678901234567890,9007199254740993,{\"price\":0.10}]";
		String id = id("exact-numbers");
		this.backend.create(List.of(newTask(id, numbers))).join();
		CompletableFuture<TaskInfo> finished = this.backend.whenFinished(id);
		this.backend.update(List.of(TaskStateChange.success(id, "report", "reports", this.now, 1, numbers)));
		assertThat(finished.get(WAIT.toSeconds(), TimeUnit.SECONDS).result()).isEqualTo(numbers);
		assertThat(find(id).result()).isEqualTo(numbers);
		assertThat(find(id).args()).isEqualTo(numbers);
	}

	@Test
	void changeOfATaskNeverCreatedIsRecorded() {
		String id = id("uncreated");
		this.backend.update(List.of(TaskStateChange.failure(id, "unknown", "default", this.now, 0,
				new TaskError("x.Malformed", "bad message"))));
		TaskInfo info = find(id);
		assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
		assertThat(info.name()).isEqualTo("unknown");
		assertThat(info.error().message()).isEqualTo("bad message");
		assertThat(info.history()).containsExactly(
				new TaskEvent(TaskStatus.FAILURE, this.now, 0, new TaskError("x.Malformed", "bad message")));
	}

	@Test
	void deletedTaskIsGone() {
		String id = id("deleted");
		this.backend.create(List.of(newTask(id, false))).join();
		this.backend.delete(id);
		assertThat(this.backend.find(id)).isEmpty();
		this.backend.delete(id);
	}

	@Test
	void revokeMarksOnlyTasksThatHaveNotStarted() {
		String pending = id("revoke-pending");
		String retrying = id("revoke-retry");
		String running = id("revoke-running");
		String done = id("revoke-done");
		this.backend.create(List.of(newTask(pending, false), newTask(retrying, false), newTask(running, false),
				newTask(done, false))).join();
		this.backend.update(List.of(
				TaskStateChange.retry(retrying, "report", "reports", this.now, 1, new TaskError("x.E", "e"),
						this.now.plusSeconds(60)),
				TaskStateChange.started(running, "report", "reports", this.now, 1),
				TaskStateChange.success(done, "report", "reports", this.now, 1, "1")));
		Instant at = this.now.plusSeconds(5);
		assertThat(this.backend.revoke(pending, at)).isTrue();
		assertThat(this.backend.revoke(retrying, at)).isTrue();
		assertThat(this.backend.revoke(running, at)).isFalse();
		assertThat(this.backend.revoke(done, at)).isFalse();
		assertThat(this.backend.revoke(pending, at)).isFalse();
		TaskInfo revoked = find(pending);
		assertThat(revoked.status()).isEqualTo(TaskStatus.REVOKED);
		assertThat(revoked.finishedAt()).isEqualTo(at);
		assertThat(revoked.error().type()).isEqualTo(TaskRevokedException.class.getName());
		assertThat(find(retrying).status()).isEqualTo(TaskStatus.REVOKED);
		assertThat(find(retrying).nextAttemptAt()).isNull();
		assertThat(find(running).status()).isEqualTo(TaskStatus.STARTED);
		assertThat(find(done).status()).isEqualTo(TaskStatus.SUCCESS);
	}

	@Test
	void finishedTaskExpiresAfterItsTimeToLiveWithoutChanges() {
		ResultBackend shortLived = backend(Duration.ofSeconds(2));
		String id = id("expiring");
		String renewed = id("renewed");
		shortLived.create(List.of(newTask(id, false), newTask(renewed, false))).join();
		shortLived.update(List.of(TaskStateChange.success(id, "report", "reports", this.now, 1, "1"),
				TaskStateChange.success(renewed, "report", "reports", this.now, 1, "1")));
		assertThat(shortLived.find(id)).isPresent();
		await().pollDelay(Duration.ofMillis(1200)).atMost(WAIT).until(() -> {
			shortLived.update(List.of(TaskStateChange.success(renewed, "report", "reports", this.now, 1, "2")));
			return true;
		});
		await().atMost(WAIT).until(() -> shortLived.find(id).isEmpty());
		// its last change was more recent, so it is still kept
		assertThat(shortLived.find(renewed)).isPresent();
		await().atMost(WAIT).until(() -> shortLived.find(renewed).isEmpty());
	}

	@Test
	void unfinishedTaskIsKeptPastItsTimeToLiveAndExpiresOnlyAfterItsEnd() {
		ResultBackend shortLived = backend(Duration.ofSeconds(1));
		String pending = id("kept-pending");
		String started = id("kept-started");
		String retrying = id("kept-retrying");
		String marker = id("finished-later");
		// a countdown longer than the time to live
		NewTask dueLater = new NewTask(pending, "report", "reports", this.now, false, null,
				this.now.plus(Duration.ofDays(2)));
		shortLived.create(List.of(dueLater, newTask(started, false), newTask(retrying, false))).join();
		shortLived.update(List.of(TaskStateChange.started(started, "report", "reports", this.now, 1),
				TaskStateChange.retry(retrying, "report", "reports", this.now, 1,
						new TaskError("java.lang.IllegalStateException", "later"), this.now.plus(Duration.ofDays(2)))));
		// finished after the others' last change: once it has expired, so would they have
		shortLived.create(List.of(newTask(marker, false))).join();
		shortLived.update(List.of(TaskStateChange.success(marker, "report", "reports", this.now, 1, "1")));
		await().atMost(WAIT).until(() -> shortLived.find(marker).isEmpty());
		assertThat(shortLived.find(pending)).hasValueSatisfying(
				(info) -> assertThat(info.status()).isEqualTo(TaskStatus.PENDING));
		assertThat(shortLived.find(started)).hasValueSatisfying(
				(info) -> assertThat(info.status()).isEqualTo(TaskStatus.STARTED));
		assertThat(shortLived.find(retrying)).hasValueSatisfying(
				(info) -> assertThat(info.status()).isEqualTo(TaskStatus.RETRY));
		assertThat(shortLived.revoke(pending, this.now)).isTrue();
		shortLived.update(List.of(TaskStateChange.success(started, "report", "reports", this.now, 1, "1"),
				TaskStateChange.failure(retrying, "report", "reports", this.now, 2,
						new TaskError("java.lang.IllegalStateException", "no"))));
		await().atMost(WAIT)
			.until(() -> shortLived.find(pending).isEmpty() && shortLived.find(started).isEmpty()
					&& shortLived.find(retrying).isEmpty());
	}

	@Test
	void whenFinishedCompletesOnceTheTaskFinishes() throws Exception {
		String id = id("awaited");
		this.backend.create(List.of(newTask(id, false))).join();
		CompletableFuture<TaskInfo> future = this.backend.whenFinished(id);
		this.backend.update(List.of(TaskStateChange.started(id, "report", "reports", this.now, 1)));
		assertThat(future).isNotDone();
		this.backend.update(List.of(TaskStateChange.success(id, "report", "reports", this.now, 1, "\"ok\"")));
		TaskInfo info = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
		assertThat(info.result()).isEqualTo("\"ok\"");
		assertThat(this.backend.whenFinished(id).get(WAIT.toSeconds(), TimeUnit.SECONDS).status())
			.isEqualTo(TaskStatus.SUCCESS);
	}

	@Test
	void whenFinishedCompletesWhenTheTaskIsRevoked() throws Exception {
		String id = id("awaited-revoked");
		this.backend.create(List.of(newTask(id, false))).join();
		CompletableFuture<TaskInfo> future = this.backend.whenFinished(id);
		this.backend.revoke(id, this.now);
		assertThat(future.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.REVOKED);
	}

	@Test
	void whenFinishedOfAnUnknownTaskFailsWithNotFound() {
		CompletableFuture<TaskInfo> future = this.backend.whenFinished(id("never"));
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.withCauseInstanceOf(TaskNotFoundException.class);
	}

	@Test
	void concurrentWritersLoseNoTaskAndLeaveEachTaskConsistent() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					for (int i = 0; i < 25; i++) {
						String id = id("c-" + thread + "-" + i);
						this.backend.create(List.of(newTask(id, false))).join();
						this.backend.update(List.of(TaskStateChange.started(id, "report", "reports", this.now, 1)));
						this.backend.update(
								List.of(TaskStateChange.success(id, "report", "reports", this.now, 1, Integer.toString(i))));
					}
				}));
			}
			String shared = id("shared");
			this.backend.create(List.of(newTask(shared, false))).join();
			for (int t = 0; t < 8; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					for (int i = 0; i < 25; i++) {
						this.backend.update(List.of(TaskStateChange.retry(shared, "report", "reports", this.now, thread,
								new TaskError("x.E", "from " + thread), this.now.plusSeconds(1))));
					}
				}));
			}
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
			for (int t = 0; t < 8; t++) {
				for (int i = 0; i < 25; i++) {
					TaskInfo info = find(id("c-" + t + "-" + i));
					assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
					assertThat(info.result()).isEqualTo(Integer.toString(i));
				}
			}
			TaskInfo info = find(shared);
			assertThat(info.status()).isEqualTo(TaskStatus.RETRY);
			// the fields of one write, never a mix of two
			assertThat(info.error().message()).isEqualTo("from " + info.attempts());
		}
		finally {
			executor.shutdownNow();
		}
	}

}
