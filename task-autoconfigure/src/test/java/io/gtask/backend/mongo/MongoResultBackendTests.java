package io.gtask.backend.mongo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.mongodb.client.MongoClient;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.gtask.backend.NewTask;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskStatus;
import io.gtask.test.SettableClock;
import io.gtask.test.TestMongo;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.IndexInfo;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the MongoDB backend does beyond the contract: its indexes, the shape of its documents,
 * expired documents that MongoDB has not deleted yet, and batched polling.
 */
class MongoResultBackendTests {

	private static final Duration TTL = Duration.ofHours(1);

	private static final Duration POLL = Duration.ofMillis(100);

	private final MongoTemplate template = TestMongo.get().template();

	private final String collection = TestMongo.uniqueCollection();

	private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private final SettableClock clock = new SettableClock(this.now);

	private final List<MongoResultBackend> backends = new ArrayList<>();

	private final List<MongoClient> clients = new ArrayList<>();

	@AfterEach
	void close() {
		this.backends.forEach(MongoResultBackend::destroy);
		this.clients.forEach(MongoClient::close);
	}

	private MongoResultBackend backend() {
		return backend(this.template);
	}

	private MongoResultBackend backend(MongoTemplate template) {
		MongoResultBackend backend = new MongoResultBackend(template, this.collection, TTL, POLL);
		backend.setClock(this.clock);
		backend.start();
		this.backends.add(backend);
		return backend;
	}

	private static NewTask newTask(String id, Instant at, boolean exclusive) {
		return new NewTask(id, "report", "reports", at, exclusive);
	}

	private Document document(String id) {
		return this.template.findById(id, Document.class, this.collection);
	}

	@Test
	void startCreatesATtlIndexOnTheExpiryDateAndAnIndexOnStateAndLastChange() {
		backend();
		// a second instance on the same collection finds the indexes there
		backend();
		List<IndexInfo> indexes = this.template.indexOps(this.collection).getIndexInfo();
		assertThat(indexes).anySatisfy((index) -> {
			assertThat(index.isIndexForFields(List.of("expiresAt"))).isTrue();
			assertThat(index.getExpireAfter()).contains(Duration.ZERO);
		});
		assertThat(indexes).anySatisfy((index) -> {
			assertThat(index.isIndexForFields(List.of("status", "updatedAt"))).isTrue();
			assertThat(index.getIndexFields()).extracting("key").containsExactly("status", "updatedAt");
			assertThat(index.getExpireAfter()).isEmpty();
		});
		assertThat(indexes).hasSize(3);
	}

	@Test
	void startCreatesNoIndexesWhenTurnedOff() {
		MongoResultBackend backend = new MongoResultBackend(this.template, this.collection, TTL, POLL);
		backend.setCreateIndexes(false);
		backend.start();
		this.backends.add(backend);
		backend.create(List.of(newTask("t-1", this.now, false)));
		assertThat(this.template.indexOps(this.collection).getIndexInfo())
			.allSatisfy((index) -> assertThat(index.getName()).isEqualTo("_id_"));
	}

	@Test
	void documentsHoldDatesStringsAndTheirExpiry() {
		MongoResultBackend backend = backend();
		backend.create(List.of(newTask("t-1", this.now.minusSeconds(1), false))).join();
		Document pending = document("t-1");
		assertThat(pending).containsEntry("_id", "t-1")
			.containsEntry("name", "report")
			.containsEntry("queue", "reports")
			.containsEntry("status", "PENDING")
			.containsEntry("attempts", 0)
			.containsEntry("createdAt", Date.from(this.now.minusSeconds(1)))
			.containsEntry("updatedAt", Date.from(this.now))
			.containsEntry("expiresAt", Date.from(TaskDocument.NEVER));
		assertThat(pending).doesNotContainKeys("startedAt", "finishedAt", "nextAttemptAt", "result", "errorType",
				"errorMessage", "payload", "dueAt", "args");
		assertThat(pending.getList("history", Document.class)).containsExactly(
				new Document("status", "PENDING").append("at", Date.from(this.now.minusSeconds(1))).append("attempt", 0));

		this.clock.advance(Duration.ofSeconds(5));
		backend.update(List.of(TaskStateChange.retry("t-1", "report", "reports", this.now.plusSeconds(4), 1,
				new TaskError("java.io.IOException", "disk full"), this.now.plusSeconds(30))));
		Document retry = document("t-1");
		assertThat(retry).containsEntry("status", "RETRY")
			.containsEntry("attempts", 1)
			.containsEntry("errorType", "java.io.IOException")
			.containsEntry("errorMessage", "disk full")
			.containsEntry("nextAttemptAt", Date.from(this.now.plusSeconds(30)))
			.containsEntry("updatedAt", Date.from(this.now.plusSeconds(5)))
			.containsEntry("expiresAt", Date.from(TaskDocument.NEVER))
			.containsEntry("createdAt", Date.from(this.now.minusSeconds(1)));

		backend.update(List.of(TaskStateChange.success("t-1", "report", "reports", this.now.plusSeconds(6), 2, "42")
			.withStartedAt(this.now.plusSeconds(5))));
		assertThat(document("t-1")).containsEntry("status", "SUCCESS")
			.containsEntry("result", "42")
			.containsEntry("startedAt", Date.from(this.now.plusSeconds(5)))
			.containsEntry("finishedAt", Date.from(this.now.plusSeconds(6)))
			.containsEntry("expiresAt", Date.from(this.now.plusSeconds(5).plus(TTL)))
			.doesNotContainKeys("errorType", "errorMessage", "nextAttemptAt");
		assertThat(document("t-1").getList("history", Document.class)).hasSize(4)
			.element(1)
			.isEqualTo(new Document("status", "RETRY").append("at", Date.from(this.now.plusSeconds(4)))
				.append("attempt", 1)
				.append("errorType", "java.io.IOException")
				.append("errorMessage", "disk full"));
		assertThat(document("t-1").getList("history", Document.class)).extracting((event) -> event.get("status"))
			.containsExactly("PENDING", "RETRY", "STARTED", "SUCCESS");
	}

	@Test
	void changeOfATaskNeverCreatedTakesTheTimeOfTheChangeAsCreationTime() {
		MongoResultBackend backend = backend();
		backend.update(List.of(TaskStateChange.started("t-1", "report", "reports", this.now.minusSeconds(3), 1)));
		TaskInfo info = backend.find("t-1").orElseThrow();
		assertThat(info.createdAt()).isEqualTo(this.now.minusSeconds(3));
		assertThat(info.status()).isEqualTo(TaskStatus.STARTED);
		// later changes keep it
		backend.update(List.of(TaskStateChange.success("t-1", "report", "reports", this.now, 1, "1")));
		assertThat(backend.find("t-1").orElseThrow().createdAt()).isEqualTo(this.now.minusSeconds(3));
	}

	@Test
	void expiredDocumentThatMongoHasNotDeletedYetCountsAsAbsent() throws Exception {
		MongoResultBackend backend = backend();
		backend.create(List.of(newTask("gone", this.now, true), newTask("reused", this.now, true),
				newTask("updated", this.now, false), newTask("awaited", this.now, false),
				newTask("unfinished", this.now, false)));
		backend.update(List.of(TaskStateChange.success("reused", "report", "reports", this.now, 1, "\"old\""),
				TaskStateChange.success("updated", "report", "reports", this.now, 1, "\"old\""),
				TaskStateChange.success("gone", "report", "reports", this.now, 1, "1"),
				TaskStateChange.success("awaited", "report", "reports", this.now, 1, "1")));
		this.clock.advance(TTL);
		// an unfinished task is kept until it ends
		assertThat(backend.find("unfinished")).isPresent();

		// still stored: the TTL monitor has not run (and mongo-java-server has none)
		assertThat(document("gone")).isNotNull();
		assertThat(backend.find("gone")).isEmpty();
		assertThat(backend.revoke("gone", this.clock.instant())).isFalse();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> backend.whenFinished("awaited").get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(TaskNotFoundException.class);

		// an exclusive id may be used again: the new task replaces the expired one
		Instant later = this.clock.instant();
		assertThat(backend.create(List.of(newTask("reused", later, true))).join()).isEmpty();
		TaskInfo reused = backend.find("reused").orElseThrow();
		assertThat(reused.status()).isEqualTo(TaskStatus.PENDING);
		assertThat(reused.result()).isNull();
		assertThat(reused.createdAt()).isEqualTo(later);

		// a change starts a new task rather than mixing with the expired one
		backend.update(List.of(TaskStateChange.started("updated", "report", "reports", later, 1),
				TaskStateChange.retry("updated", "report", "reports", later, 1, new TaskError("x.E", "e"),
						later.plusSeconds(1))));
		TaskInfo updated = backend.find("updated").orElseThrow();
		assertThat(updated.status()).isEqualTo(TaskStatus.RETRY);
		assertThat(updated.result()).isNull();
		assertThat(updated.finishedAt()).isNull();
		assertThat(updated.createdAt()).isEqualTo(later);
	}

	@Test
	void expiredDocumentInTheMiddleOfABatchKeepsTheOrderOfChanges() {
		MongoResultBackend backend = backend();
		backend.update(List.of(TaskStateChange.success("old", "report", "reports", this.now, 1, "\"old\"")));
		this.clock.advance(TTL);
		Instant later = this.clock.instant();
		backend.update(List.of(TaskStateChange.started("a", "report", "reports", later, 1),
				TaskStateChange.started("old", "report", "reports", later, 1),
				TaskStateChange.success("old", "report", "reports", later.plusSeconds(1), 1, "\"new\""),
				TaskStateChange.success("a", "report", "reports", later.plusSeconds(1), 1, "\"a\"")));
		TaskInfo old = backend.find("old").orElseThrow();
		assertThat(old.status()).isEqualTo(TaskStatus.SUCCESS);
		assertThat(old.result()).isEqualTo("\"new\"");
		assertThat(old.startedAt()).isEqualTo(later);
		assertThat(backend.find("a").orElseThrow().result()).isEqualTo("\"a\"");
	}

	@Test
	void findLeavesThePayloadInTheDatabase() {
		MongoResultBackend backend = backend();
		backend.create(List.of(newTask("t-1", this.now, false))).join();
		this.template.updateFirst(Query.query(Criteria.where("_id").is("t-1")),
				new org.springframework.data.mongodb.core.query.Update().set("payload", new Binary(new byte[1024]))
					.set("dueAt", Date.from(this.now)),
				this.collection);
		AtomicInteger commands = new AtomicInteger();
		List<Document> replies = new ArrayList<>();
		MongoClient client = TestMongo.get().client(new CommandListener() {
			@Override
			public void commandSucceeded(com.mongodb.event.CommandSucceededEvent event) {
				if ("find".equals(event.getCommandName())) {
					commands.incrementAndGet();
					replies.add(Document.parse(event.getResponse().toJson()));
				}
			}
		});
		this.clients.add(client);
		MongoResultBackend watched = backend(new MongoTemplate(client, this.template.getDb().getName()));
		assertThat(watched.find("t-1")).get().extracting(TaskInfo::status).isEqualTo(TaskStatus.PENDING);
		assertThat(commands).hasValue(1);
		assertThat(replies.get(0).toJson()).contains("\"name\": \"report\"").doesNotContain("payload");
	}

	@Test
	void waitedTasksAreReadTogetherInOneQueryPerPoll() throws Exception {
		List<String> finds = new ArrayList<>();
		MongoClient client = TestMongo.get().client(new CommandListener() {
			@Override
			public void commandStarted(CommandStartedEvent event) {
				if ("find".equals(event.getCommandName())) {
					synchronized (finds) {
						finds.add(event.getCommand().toJson());
					}
				}
			}
		});
		this.clients.add(client);
		MongoResultBackend backend = backend(new MongoTemplate(client, this.template.getDb().getName()));
		List<NewTask> tasks = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			tasks.add(newTask("t-" + i, this.now, false));
		}
		backend.create(tasks).join();
		List<CompletableFuture<TaskInfo>> futures = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			futures.add(backend.whenFinished("t-" + i));
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			synchronized (finds) {
				assertThat(finds).isNotEmpty();
			}
		});
		List<TaskStateChange> done = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			done.add(TaskStateChange.success("t-" + i, "report", "reports", this.now, 1, Integer.toString(i)));
		}
		backend.update(done);
		CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
		assertThat(futures.get(7).join().result()).isEqualTo("7");
		synchronized (finds) {
			// polls, not reads per task: 50 waiters settled in a handful of queries
			assertThat(finds).hasSizeLessThan(10);
			assertThat(finds).anySatisfy((command) -> assertThat(command).contains("\"$in\"").contains("\"t-49\""));
		}
		// the last waiter leaves the poller's set just after its future completes
		await().atMost(Duration.ofSeconds(5)).until(() -> backend.awaitedTaskCount() == 0);
	}

	@Test
	void cancelledWaitIsNoLongerPolled() {
		MongoResultBackend backend = backend();
		backend.create(List.of(newTask("t-1", this.now, false))).join();
		CompletableFuture<TaskInfo> future = backend.whenFinished("t-1");
		assertThat(backend.awaitedTaskCount()).isEqualTo(1);
		future.cancel(false);
		assertThat(backend.awaitedTaskCount()).isZero();
		// another waiter of the same task is not affected
		CompletableFuture<TaskInfo> other = backend.whenFinished("t-1");
		backend.whenFinished("t-1").cancel(false);
		backend.update(List.of(TaskStateChange.success("t-1", "report", "reports", this.now, 1, "1")));
		assertThat(other).succeedsWithin(Duration.ofSeconds(10));
		assertThat(backend.awaitedTaskCount()).isZero();
	}

	@Test
	void destroyFailsCallersStillWaiting() {
		MongoResultBackend backend = backend();
		backend.create(List.of(newTask("t-1", this.now, false))).join();
		CompletableFuture<TaskInfo> future = backend.whenFinished("t-1");
		backend.destroy();
		assertThat(future).failsWithin(Duration.ofSeconds(1))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(GTaskException.class)
			.withMessageContaining("closed");
		assertThat(backend.whenFinished("t-1")).isCompletedExceptionally();
	}

}
