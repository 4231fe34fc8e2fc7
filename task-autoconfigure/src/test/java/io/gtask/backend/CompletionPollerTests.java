package io.gtask.backend;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import io.gtask.core.GTaskException;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link CompletionPoller}.
 */
class CompletionPollerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Duration NEVER = Duration.ofHours(1);

	private final Map<String, TaskInfo> tasks = new ConcurrentHashMap<>();

	private final List<List<String>> reads = new ArrayList<>();

	private final AtomicBoolean failing = new AtomicBoolean();

	private final List<CompletionPoller> pollers = new ArrayList<>();

	@AfterEach
	void close() {
		this.pollers.forEach(CompletionPoller::close);
	}

	@Test
	void finishedTaskIsToldAtOnceWithoutWaitingForAPoll() {
		this.tasks.put("t-1", task("t-1", TaskStatus.SUCCESS));
		CompletionPoller poller = poller(NEVER, 10);
		assertThat(poller.whenFinished("t-1")).succeedsWithin(WAIT)
			.satisfies((info) -> assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS));
	}

	@Test
	void unknownTaskFailsAtOnceWithTaskNotFound() {
		CompletionPoller poller = poller(NEVER, 10);
		assertThat(poller.whenFinished("missing")).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(TaskNotFoundException.class);
	}

	@Test
	void runningTaskIsToldByALaterPollOnceFinished() {
		this.tasks.put("t-1", task("t-1", TaskStatus.STARTED));
		CompletionPoller poller = poller(Duration.ofMillis(20), 10);
		CompletableFuture<TaskInfo> first = poller.whenFinished("t-1");
		CompletableFuture<TaskInfo> second = poller.whenFinished("t-1");
		await().atMost(WAIT).until(() -> readCount() >= 2);
		assertThat(first).isNotDone();
		this.tasks.put("t-1", task("t-1", TaskStatus.FAILURE));
		assertThat(first).succeedsWithin(WAIT);
		assertThat(second).succeedsWithin(WAIT);
		await().atMost(WAIT).until(() -> poller.awaitedTaskCount() == 0);
	}

	@Test
	void aTaskIsNoLongerAwaitedOnceItsCallersAreTold() {
		this.tasks.put("t-1", task("t-1", TaskStatus.STARTED));
		CompletionPoller poller = poller(Duration.ofMillis(20), 10);
		CompletableFuture<TaskInfo> future = poller.whenFinished("t-1");
		// what the caller does once told runs before the poller's own bookkeeping of the future
		CompletableFuture<Integer> awaitedWhenTold = future.thenApply((info) -> poller.awaitedTaskCount());
		this.tasks.put("t-1", task("t-1", TaskStatus.SUCCESS));
		assertThat(awaitedWhenTold).succeedsWithin(WAIT).isEqualTo(0);
	}

	@Test
	void awaitedTasksAreReadInChunks() {
		List<String> ids = IntStream.range(0, 25).mapToObj((i) -> "t-" + i).toList();
		ids.forEach((id) -> this.tasks.put(id, task(id, TaskStatus.STARTED)));
		CompletionPoller poller = poller(Duration.ofMillis(20), 10);
		List<CompletableFuture<TaskInfo>> futures = ids.stream().map(poller::whenFinished).toList();
		await().atMost(WAIT).until(() -> readCount() >= 6);
		synchronized (this.reads) {
			assertThat(this.reads).allSatisfy((read) -> assertThat(read).hasSizeBetween(1, 10));
		}
		ids.forEach((id) -> this.tasks.put(id, task(id, TaskStatus.SUCCESS)));
		assertThat(CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))).succeedsWithin(WAIT);
	}

	@Test
	void cancelledWaitIsNoLongerRead() {
		this.tasks.put("t-1", task("t-1", TaskStatus.STARTED));
		this.tasks.put("t-2", task("t-2", TaskStatus.STARTED));
		CompletionPoller poller = poller(Duration.ofMillis(20), 10);
		poller.whenFinished("t-1").cancel(false);
		CompletableFuture<TaskInfo> other = poller.whenFinished("t-2");
		assertThat(poller.awaitedTaskCount()).isOne();
		int before = readCount();
		await().atMost(WAIT).until(() -> readCount() >= before + 3);
		synchronized (this.reads) {
			// the last reads began after the cancel, whatever read was under way then
			assertThat(this.reads.subList(this.reads.size() - 2, this.reads.size()))
				.allSatisfy((read) -> assertThat(read).containsExactly("t-2"));
		}
		assertThat(other).isNotDone();
	}

	@Test
	void failedReadIsTriedAgainAtTheNextPoll() {
		this.tasks.put("t-1", task("t-1", TaskStatus.SUCCESS));
		this.failing.set(true);
		CompletionPoller poller = poller(Duration.ofMillis(20), 10);
		CompletableFuture<TaskInfo> future = poller.whenFinished("t-1");
		await().atMost(WAIT).until(() -> readCount() >= 2);
		assertThat(future).isNotDone();
		this.failing.set(false);
		assertThat(future).succeedsWithin(WAIT);
	}

	@Test
	void closeFailsCallersStillWaitingAndThoseThatArriveLater() {
		this.tasks.put("t-1", task("t-1", TaskStatus.STARTED));
		CompletionPoller poller = poller(NEVER, 10);
		CompletableFuture<TaskInfo> future = poller.whenFinished("t-1");
		poller.close();
		assertThat(future).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(GTaskException.class)
			.withMessageContaining("closed");
		assertThat(poller.whenFinished("t-1")).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(GTaskException.class);
		assertThat(poller.awaitedTaskCount()).isZero();
	}

	@Test
	void idsPerReadMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CompletionPoller("gtask-test-", this::read, NEVER, 0));
	}

	private CompletionPoller poller(Duration interval, int idsPerRead) {
		CompletionPoller poller = new CompletionPoller("gtask-test-", this::read, interval, idsPerRead);
		this.pollers.add(poller);
		return poller;
	}

	private Map<String, TaskInfo> read(List<String> ids) {
		synchronized (this.reads) {
			this.reads.add(List.copyOf(ids));
		}
		if (this.failing.get()) {
			throw new IllegalStateException("Store unavailable");
		}
		Map<String, TaskInfo> found = new HashMap<>();
		ids.forEach((id) -> {
			TaskInfo info = this.tasks.get(id);
			if (info != null) {
				found.put(id, info);
			}
		});
		return found;
	}

	private int readCount() {
		synchronized (this.reads) {
			return this.reads.size();
		}
	}

	private static TaskInfo task(String id, TaskStatus status) {
		return new TaskInfo(id, "report", "reports", status, null, null, 1, Instant.EPOCH, null, null, null);
	}

}
