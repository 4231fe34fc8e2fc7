package io.gtask.backend;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract of a {@link DurableResultBackend}, in addition to that of every backend.
 */
public abstract class DurableResultBackendContractTests extends ResultBackendContractTests {

	private final String prefix = "d-" + UUID.randomUUID().toString().substring(0, 8) + "-";

	private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private DurableResultBackend durable() {
		return (DurableResultBackend) createTrackedBackend();
	}

	/**
	 * A backend that the base class closes after the test.
	 * @return the backend
	 */
	protected abstract ResultBackend createTrackedBackend();

	private NewTask recorded(String id, byte[] payload, Instant dueAt) {
		return new NewTask(this.prefix + id, "report", "reports", this.now, false, payload, dueAt);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void recordedMessageAndDueTimeAreKept() {
		DurableResultBackend backend = durable();
		Instant due = this.now.plusSeconds(30);
		backend.create(List.of(recorded("kept", bytes("{\"v\":1}"), due))).join();
		StoredTask stored = backend.findStored(this.prefix + "kept").orElseThrow();
		assertThat(stored.payload()).isEqualTo(bytes("{\"v\":1}"));
		assertThat(stored.dueAt()).isEqualTo(due);
		assertThat(stored.status()).isEqualTo(TaskStatus.PENDING);
		assertThat(stored.name()).isEqualTo("report");
		assertThat(stored.queue()).isEqualTo("reports");
		assertThat(backend.findStored(this.prefix + "unknown")).isEmpty();
	}

	@Test
	void staleTasksAreUnfinishedOnesWithAMessageNotDueLaterInOrderAndPaged() {
		DurableResultBackend backend = durable();
		List<NewTask> tasks = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			tasks.add(recorded("stale-" + i, bytes("m" + i), null));
		}
		tasks.add(recorded("due-later", bytes("later"), this.now.plus(Duration.ofDays(1))));
		tasks.add(new NewTask(this.prefix + "no-message", "report", "reports", this.now, false));
		tasks.add(recorded("finished", bytes("f"), null));
		tasks.add(recorded("started", bytes("s"), null));
		backend.create(tasks).join();
		backend.update(List.of(
				TaskStateChange.success(this.prefix + "finished", "report", "reports", this.now, 1, "1"),
				TaskStateChange.started(this.prefix + "started", "report", "reports", this.now, 1)));
		Instant olderThan = Instant.now().plusSeconds(60);
		List<StoredTask> all = new ArrayList<>();
		StoredTask after = null;
		for (int page = 0; page < 10; page++) {
			List<StoredTask> found = backend.findStale(olderThan, after, 2);
			found.stream().filter((task) -> task.id().startsWith(this.prefix)).forEach(all::add);
			if (found.size() < 2) {
				break;
			}
			after = found.get(found.size() - 1);
		}
		assertThat(all).extracting(StoredTask::id)
			.containsExactlyInAnyOrder(this.prefix + "stale-0", this.prefix + "stale-1", this.prefix + "stale-2",
					this.prefix + "stale-3", this.prefix + "stale-4", this.prefix + "started");
		assertThat(all).extracting(StoredTask::updatedAt).isSorted();
		assertThat(all).allSatisfy((task) -> assertThat(task.payload()).isNotNull());
		assertThat(backend.findStale(Instant.now().minusSeconds(60), null, 100)
			.stream()
			.filter((task) -> task.id().startsWith(this.prefix))).isEmpty();
	}

	@Test
	void unfinishedTaskWithItsMessageIsStillStalePastTheTimeToLive() {
		DurableResultBackend backend = (DurableResultBackend) track(
				createBackend(Duration.ofSeconds(1), Duration.ofMillis(200), TaskHistory.DEFAULT_MAX_HISTORY));
		String id = this.prefix + "long-countdown";
		String backlog = this.prefix + "backlog";
		String marker = this.prefix + "finished-later";
		backend.create(List.of(recorded("long-countdown", bytes("m"), this.now.plus(Duration.ofDays(2))),
				recorded("backlog", bytes("b"), null))).join();
		backend.create(List.of(recorded("finished-later", bytes("f"), null))).join();
		backend.update(List.of(TaskStateChange.success(marker, "report", "reports", this.now, 1, "1")));
		await().atMost(Duration.ofSeconds(10)).until(() -> backend.findStored(marker).isEmpty());
		assertThat(backend.findStored(id)).hasValueSatisfying(
				(task) -> assertThat(task.status()).isEqualTo(TaskStatus.PENDING));
		assertThat(backend.findStored(backlog)).isPresent();
		assertThat(backend.findStale(this.now.plus(Duration.ofDays(3)), null, 1000)).extracting(StoredTask::id)
			.contains(id, backlog);
	}

	@Test
	void changeIfUnchangedIsWrittenOnlyWhileTheTaskIsAsItWasRead() {
		DurableResultBackend backend = durable();
		String moved = this.prefix + "moved-on";
		String still = this.prefix + "still";
		backend.create(List.of(recorded("moved-on", bytes("m"), null), recorded("still", bytes("s"), null))).join();
		StoredTask movedRead = backend.findStored(moved).orElseThrow();
		StoredTask stillRead = backend.findStored(still).orElseThrow();
		// the task finishes after it was read
		backend.update(List.of(TaskStateChange.success(moved, "report", "reports", this.now, 1, "1")));
		assertThat(backend.updateIfUnchanged(movedRead,
				TaskStateChange.requeued(moved, "report", "reports", this.now))).isFalse();
		assertThat(backend.find(moved).orElseThrow().status()).isEqualTo(TaskStatus.SUCCESS);
		assertThat(backend.updateIfUnchanged(stillRead,
				TaskStateChange.requeued(still, "report", "reports", this.now))).isTrue();
		assertThat(backend.findStored(still).orElseThrow().status()).isEqualTo(TaskStatus.PENDING);
	}

}
