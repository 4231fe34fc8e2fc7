package io.gtask.durable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.autoconfigure.GTaskFlowAutoConfiguration;
import io.gtask.autoconfigure.GTaskMetricsAutoConfiguration;
import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.NewTask;
import io.gtask.backend.TaskStateChange;
import io.gtask.broker.TaskBroker;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.durable.redis.RedisLeaderLock;
import io.gtask.redis.RedisAsync;
import io.gtask.core.GTaskException;
import io.gtask.core.BatchInfo;
import io.gtask.core.BatchRequest;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFlow;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.send.TaskRouter;
import io.gtask.send.TaskSender;
import io.gtask.test.MutableClock;
import io.gtask.test.RedisProcess;
import io.gtask.test.TestRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Durable mode on a real Redis and a durable backend (each subclass names one): tasks survive
 * Redis losing its data, manual commit, the reaper and forced re-push.
 */
abstract class DurableModeIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	protected final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	/**
	 * A context runner with the auto-configuration and properties of the backend under test.
	 * @param runner a runner with Redis, Jackson and gtask configured
	 * @return the runner with the backend
	 */
	protected abstract ApplicationContextRunner withBackend(ApplicationContextRunner runner);

	@BeforeEach
	void reset() {
		DurableHandlers.RUNS.clear();
		DurableHandlers.ERRORS.clear();
	}

	private ApplicationContextRunner runner(String redisUrl) {
		return withBackend(new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					GTaskAutoConfiguration.class, GTaskFlowAutoConfiguration.class)))
			.withBean(DurableHandlers.class)
			.withPropertyValues("spring.data.redis.url=" + redisUrl,
					"gtask.key-prefix=" + this.prefix, "gtask.durable.enabled=true",
					"gtask.result.poll-interval=100ms", "gtask.worker.poll-timeout=200ms",
					"gtask.worker.shutdown-timeout=2s", "gtask.worker.visibility-timeout=2s",
					"gtask.worker.reclaim-interval=300ms", "gtask.durable.reaper.period=300ms",
					"gtask.durable.reaper.timeout=2s");
	}

	@Test
	void everyAcceptedTaskSucceedsWhenRedisLosesAllItsDataMidFlight() {
		try (RedisProcess redis = RedisProcess.start("--appendonly", "no")) {
			runner(redis.url()).withPropertyValues("gtask.worker.concurrency=4").run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < 60; i++) {
					ids.add(client.send("work", "t" + i, 50L));
				}
				await().atMost(WAIT).until(() -> DurableHandlers.RUNS.size() >= 5);
				// Redis dies and comes back empty: queued and running tasks are gone from it
				redis.kill();
				for (int i = 60; i < 70; i++) {
					// recorded in the database while Redis is away; queued later by the reaper
					ids.add(client.send("work", "t" + i, 50L));
				}
				redis.start();
				for (String id : ids) {
					TaskInfo info = client.awaitCompletion(id, WAIT);
					assertThat(info.status()).as(id).isEqualTo(TaskStatus.SUCCESS);
				}
				for (int i = 0; i < 70; i++) {
					assertThat(DurableHandlers.runs("t" + i)).as("runs of t" + i).isPositive();
				}
			});
		}
	}

	@Test
	void manualCommitHandlersCommitDuringOrAfterTheirInvocation() {
		runner(TestRedis.get().url()).run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String later = client.send("approve", "a", "later");
			String now = client.send("approve", "b", "now");
			String rejected = client.send("approve", "c", "reject");
			String again = client.send("approve", "d", "again");
			assertThat(client.await(later, WAIT, String.class)).isEqualTo("a:approved");
			assertThat(client.await(now, WAIT, String.class)).isEqualTo("b:approved-now");
			TaskInfo failed = client.awaitCompletion(rejected, WAIT);
			assertThat(failed.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(failed.error().message()).isEqualTo("rejected c");
			assertThat(client.await(again, WAIT, String.class)).isEqualTo("d:run 2");
			assertThat(DurableHandlers.runs("d")).isEqualTo(2);
		});
	}

	@Test
	void commitsMadeAfterTheHandlerReturnedGoOnWithTheFlowAndTheBatch() {
		runner(TestRedis.get().url()).run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String chain = client.flows()
				.start(TaskFlow.chain(TaskFlow.task("approve", "f1", "later"),
						TaskFlow.task("approve", "f2", "later").immutable()));
			assertThat(client.await(chain, WAIT, String.class)).isEqualTo("f2:approved");
			String batch = client.batches()
				.start(BatchRequest.of(TaskRequest.of("approve").args("b1", "later").build(),
						TaskRequest.of("approve").args("b2", "reject").build()));
			BatchInfo info = client.batches().await(batch, WAIT);
			assertThat(info.succeeded()).isEqualTo(1);
			assertThat(info.failed()).isEqualTo(1);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
		});
	}

	@Test
	void commitMadeWhileTheHandlerRunsStandsWhenTheHandlerThenThrows() {
		runner(TestRedis.get().url()).run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("approve", "k", "commit-then-throw");
			assertThat(client.await(id, WAIT, String.class)).isEqualTo("k:committed");
			assertThat(DurableHandlers.runs("k")).isOne();
		});
	}

	@Test
	void commitMadeWhileTheHandlerRunsStandsWhenTheHandlerThenTimesOut() {
		runner(TestRedis.get().url()).run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("approveThenHang", "n");
			assertThat(client.await(id, WAIT, String.class)).isEqualTo("n:committed");
			assertThat(DurableHandlers.runs("n")).isOne();
		});
	}

	@Test
	void reaperTimeoutOfAManualCommitTaskCountsFromItsHandlersReturn() {
		runner(TestRedis.get().url()).withPropertyValues("gtask.durable.reaper.period=1h").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskBroker broker = context.getBean(TaskBroker.class);
			String id = client.send("approve", "m", "slow");
			await().atMost(WAIT).until(() -> DurableHandlers.runs("m") == 1);
			// the handler returned (after longer than the reaper's timeout of 2 s) without committing
			await().atMost(WAIT).until(() -> broker.findHeld("default", List.of(id)).isEmpty());
			// it started more than the timeout ago, but returned less than that ago
			TaskReaper reaper = context.getBean(TaskReaper.class);
			TaskReaper.Result early = reaper.reap();
			assertThat(early.requeued()).isZero();
			assertThat(early.failed()).isZero();
			assertThat(client.status(id)).isEqualTo(TaskStatus.STARTED);
			MutableClock clock = new MutableClock();
			clock.advance(Duration.ofSeconds(3));
			reaper.setClock(clock);
			assertThat(reaper.reap().requeued()).isOne();
		});
	}

	@Test
	void autoCommitHandlerCannotCommitByHand() {
		runner(TestRedis.get().url()).run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThat(client.await(client.send("autoCommit", "x"), WAIT, String.class)).isEqualTo("auto");
			assertThat(DurableHandlers.ERRORS.get("x")).contains("commits automatically")
				.contains("@TaskHandler(manualCommit = true)");
		});
	}

	@Test
	void taskNeverCommittedIsFoundByTheReaper() {
		runner(TestRedis.get().url()).withPropertyValues("gtask.durable.reaper.policy=fail").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("approve", "e", "never");
			await().atMost(WAIT).until(() -> DurableHandlers.runs("e") == 1);
			// the handler runs a moment before its STARTED state is written
			await().atMost(WAIT).until(() -> client.status(id) == TaskStatus.STARTED);
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().type()).isEqualTo(TaskLostException.class.getName());
		});
	}

	@Test
	void taskNeverCommittedIsSentAgainByTheReaperUnderTheRetryPolicy() {
		runner(TestRedis.get().url()).run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			client.send("approve", "f", "never");
			await().atMost(WAIT).until(() -> DurableHandlers.runs("f") >= 2);
		});
	}

	@Test
	void reaperLeavesTasksTheBrokerStillHolds() {
		runner(TestRedis.get().url()).withPropertyValues("gtask.durable.reaper.period=1h").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("work", "long", 3000L);
			await().atMost(WAIT).until(() -> client.status(id) == TaskStatus.STARTED);
			TaskReaper reaper = context.getBean(TaskReaper.class);
			MutableClock clock = new MutableClock();
			clock.advance(Duration.ofMinutes(10));
			reaper.setClock(clock);
			TaskReaper.Result result = reaper.reap();
			assertThat(result.held()).isEqualTo(1);
			assertThat(result.requeued()).isZero();
			assertThat(client.await(id, WAIT, String.class)).isEqualTo("long:done");
			assertThat(DurableHandlers.runs("long")).isEqualTo(1);
		});
	}

	@Test
	void finishedTaskCanBeSentAgainById() {
		runner(TestRedis.get().url()).run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("work", "g", 0L);
			assertThat(client.await(id, WAIT, String.class)).isEqualTo("g:done");
			client.repush(id);
			await().atMost(WAIT).until(() -> DurableHandlers.runs("g") == 2);
			assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThatExceptionOfType(TaskNotFoundException.class).isThrownBy(() -> client.repush("no-such-task"));
			assertThat(context.getBean(io.gtask.backend.ResultBackend.class)).isInstanceOf(DurableResultBackend.class);
		});
	}

	@Test
	void tasksSentAgainByTheReaperOnRequestOrByTheirHandlerAreCountedWithTheirOrigin() {
		runner(TestRedis.get().url()).withConfiguration(AutoConfigurations.of(GTaskMetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				client.send("approve", "h", "never");
				await().atMost(WAIT).until(() -> DurableHandlers.runs("h") >= 2);
				assertThat(sent(meters, "approve", "client")).isEqualTo(1);
				// a resend is counted once the task is queued again, which can be after it ran
				await().atMost(WAIT).until(() -> sent(meters, "approve", "reaper") >= 1);
				String id = client.send("work", "i", 0L);
				assertThat(client.await(id, WAIT, String.class)).isEqualTo("i:done");
				client.repush(id);
				await().atMost(WAIT).until(() -> DurableHandlers.runs("i") == 2);
				assertThat(sent(meters, "work", "client")).isEqualTo(1);
				assertThat(sent(meters, "work", "repush")).isEqualTo(1);
				// handed back by a manual-commit handler while it runs, and after it returned
				assertThat(client.await(client.send("approve", "j", "again"), WAIT, String.class)).isEqualTo("j:run 2");
				assertThat(client.await(client.send("approve", "k", "again-later"), WAIT, String.class))
					.isEqualTo("k:run 2");
				// the late hand-back is counted once queued, which can be after the next run ended
				await().atMost(WAIT).until(() -> sent(meters, "approve", "requeue") == 2);
			});
	}

	private static double sent(MeterRegistry meters, String task, String origin) {
		Search search = meters.find("gtask.tasks.sent").tags("queue", "default", "task", task, "origin", origin);
		return (search.counter() != null) ? search.counter().count() : 0;
	}

	@Test
	void repushWithoutDurableModeSaysWhy() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					GTaskAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + TestRedis.get().url(), "gtask.key-prefix=" + this.prefix,
					"gtask.worker.enabled=false")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				String id = client.send("work", "h", 0L);
				assertThatExceptionOfType(GTaskException.class).isThrownBy(() -> client.repush(id))
					.withMessageContaining("does not keep task messages")
					.withMessageContaining("gtask.durable.enabled=true");
			});
	}

	@Test
	void manualCommitWithoutDurableModeFailsAtStartup() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					GTaskAutoConfiguration.class))
			.withBean(DurableHandlers.class)
			.withPropertyValues("spring.data.redis.url=" + TestRedis.get().url(), "gtask.key-prefix=" + this.prefix)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("Handler of task 'approve' commits manually")
				.hasMessageContaining("gtask.durable.enabled=true"));
	}

	@Test
	void durableModeOnTheRedisBackendFailsAtStartup() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					GTaskAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + TestRedis.get().url(), "gtask.key-prefix=" + this.prefix,
					"gtask.durable.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("gtask.backend.type=jdbc or mongo"));
	}

	@Test
	void reaperNeitherSendsAgainNorFailsATaskThatFinishesAfterItWasRead() {
		runner(TestRedis.get().url()).withPropertyValues("gtask.durable.reaper.period=1h", "gtask.worker.enabled=false")
			.run((context) -> {
				DurableResultBackend backend = context.getBean(DurableResultBackend.class);
				TaskBroker broker = context.getBean(TaskBroker.class);
				for (LostTaskPolicy policy : LostTaskPolicy.values()) {
					String id = recordLost(context, "finishing-" + policy);
					TaskStateChange success = TaskStateChange.success(id, "work", "default", Instant.now(), 1,
							"\"race:done\"");
					TaskReaper reaper = reaper(context, new ReadHookBackend(backend, (read) -> {
						if (read.stream().anyMatch((task) -> task.id().equals(id))) {
							backend.update(List.of(success));
						}
					}), "test", Duration.ofHours(1), 100, policy);
					TaskReaper.Result result = reaper.reap();
					assertThat(result.requeued()).as(policy.name()).isZero();
					assertThat(result.failed()).as(policy.name()).isZero();
					assertThat(result.changed()).as(policy.name()).isOne();
					TaskInfo info = backend.find(id).orElseThrow();
					assertThat(info.status()).as(policy.name()).isEqualTo(TaskStatus.SUCCESS);
					assertThat(info.result()).isEqualTo("\"race:done\"");
					assertThat(broker.findHeld("default", List.of(id))).as(policy.name()).isEmpty();
				}
			});
	}

	@Test
	void aSendWhoseRecordWasWrittenButNotConfirmedSaysTheOutcomeIsUnknownAndTheTaskRuns() {
		runner(TestRedis.get().url()).withPropertyValues("gtask.durable.reaper.period=300ms").run((context) -> {
			DurableResultBackend backend = context.getBean(DurableResultBackend.class);
			// the record is written, then its answer is lost, as when the database connection breaks after the commit
			DurableResultBackend lostAnswer = new ReadHookBackend(backend, (read) -> {
			}) {
				@Override
				public java.util.concurrent.CompletableFuture<List<String>> create(List<NewTask> tasks) {
					backend.create(tasks).join();
					return java.util.concurrent.CompletableFuture
						.failedFuture(new org.springframework.dao.QueryTimeoutException("answer lost"));
				}
			};
			TaskSender sender = new TaskSender(context.getBean(TaskBroker.class), lostAnswer,
					context.getBean(TaskMessageCodec.class), context.getBean(TaskRouter.class),
					org.springframework.util.unit.DataSize.ofKilobytes(512));
			sender.setDurable(true);
			io.gtask.client.DefaultTaskClient client = new io.gtask.client.DefaultTaskClient(sender,
					context.getBean(TaskBroker.class), context.getBean(io.gtask.broker.QueueAdmin.class), lostAnswer,
					context.getBean(TaskMessageCodec.class));
			String id = "lost-answer-" + UUID.randomUUID();
			assertThatExceptionOfType(io.gtask.core.TaskSendOutcomeUnknownException.class)
				.isThrownBy(() -> client.send(io.gtask.core.TaskRequest.of("work").id(id).args("lost", 0L).build()))
				.withMessageContaining(id)
				.withMessageContaining("unknown")
				.satisfies((ex) -> assertThat(ex.getTaskIds()).containsExactly(id));
			// it was recorded: the reaper queues it, and it runs
			TaskInfo info = context.getBean(TaskClient.class).awaitCompletion(id, Duration.ofSeconds(20));
			assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
		});
	}

	@Test
	void reaperStopsItsPassBeforeWritingOnceAnotherInstanceHoldsTheLock() {
		runner(TestRedis.get().url()).withPropertyValues("gtask.durable.reaper.period=1h", "gtask.worker.enabled=false")
			.run((context) -> {
				DurableResultBackend backend = context.getBean(DurableResultBackend.class);
				TaskBroker broker = context.getBean(TaskBroker.class);
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					ids.add(recordLost(context, "lock-lost-" + i));
				}
				RedisLeaderLock lock = lock();
				AtomicInteger pages = new AtomicInteger();
				TaskReaper reaper = reaper(context, new ReadHookBackend(backend, (read) -> {
					if (pages.incrementAndGet() == 2) {
						// the lock expired while the pass ran, and another instance took it
						lock.release("a");
						assertThat(lock.tryAcquire("b", Duration.ofMinutes(1))).isTrue();
					}
				}), "a", Duration.ofHours(1), 1, LostTaskPolicy.RETRY);
				TaskReaper.Result result = reaper.reapAsLeader().orElseThrow();
				assertThat(result.requeued()).isOne();
				assertThat(broker.findHeld("default", ids)).hasSize(1);
				assertThat(ids).filteredOn((id) -> backend.find(id).orElseThrow().history().size() == 1)
					.as("tasks left to the new holder").hasSize(2);
				assertThat(reaper.reapAsLeader()).isEmpty();
			});
	}

	@Test
	void reaperRenewsItsLockDuringALongPass() {
		runner(TestRedis.get().url()).withPropertyValues("gtask.durable.reaper.period=1h", "gtask.worker.enabled=false")
			.run((context) -> {
				DurableResultBackend backend = context.getBean(DurableResultBackend.class);
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					ids.add(recordLost(context, "long-pass-" + i));
				}
				RedisLeaderLock lock = lock();
				List<Boolean> taken = new ArrayList<>();
				// the lock is held for three periods: 1.5 s; the pass takes about 2.8 s
				TaskReaper reaper = reaper(context, new ReadHookBackend(backend, (read) -> {
					taken.add(lock.tryAcquire("b", Duration.ofMinutes(1)));
					slowPage(Duration.ofMillis(700));
				}), "a", Duration.ofMillis(500), 1, LostTaskPolicy.RETRY);
				TaskReaper.Result result = reaper.reapAsLeader().orElseThrow();
				assertThat(taken).as("another instance took the lock during the pass").containsOnly(false);
				assertThat(result.requeued()).isEqualTo(4);
			});
	}

	private static void slowPage(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private RedisLeaderLock lock() {
		return new RedisLeaderLock(new RedisAsync(TestRedis.get().connectionFactory(), Duration.ofSeconds(5)),
				this.prefix + ":test-reaper");
	}

	private TaskReaper reaper(ApplicationContext context, DurableResultBackend backend, String owner, Duration period,
			int batchSize, LostTaskPolicy policy) {
		TaskReaper reaper = new TaskReaper(backend, context.getBean(TaskBroker.class), context.getBean(TaskSender.class),
				context.getBean(TaskMessageCodec.class), lock(),
				new TaskReaper.Settings(period, Duration.ofSeconds(1), batchSize, policy, owner));
		MutableClock clock = new MutableClock();
		clock.advance(Duration.ofMinutes(10));
		reaper.setClock(clock);
		return reaper;
	}

	/**
	 * Record a task with its message, as a send does, but queue nothing: a task the broker lost.
	 */
	private String recordLost(ApplicationContext context, String key) {
		String id = this.prefix + "-" + key;
		TaskMessage message = new TaskMessage(id, "work", "default",
				JsonNodeFactory.instance.arrayNode().add(key).add(0L), 1, null, null, null, System.currentTimeMillis(),
				Map.of());
		context.getBean(DurableResultBackend.class)
			.create(List.of(new NewTask(id, "work", "default", Instant.now(), false,
					context.getBean(TaskMessageCodec.class).encode(message), null)))
			.join();
		return id;
	}

	@Test
	void oneReaperHoldsTheLockAtATime() {
		io.gtask.durable.redis.RedisLeaderLock lock = new io.gtask.durable.redis.RedisLeaderLock(
				new io.gtask.redis.RedisAsync(TestRedis.get().connectionFactory(), Duration.ofSeconds(5)),
				this.prefix + ":reaper");
		assertThat(lock.tryAcquire("a", Duration.ofSeconds(30))).isTrue();
		assertThat(lock.tryAcquire("b", Duration.ofSeconds(30))).isFalse();
		assertThat(lock.tryAcquire("a", Duration.ofSeconds(30))).isTrue();
		lock.release("b");
		assertThat(lock.tryAcquire("b", Duration.ofSeconds(30))).isFalse();
		lock.release("a");
		assertThat(lock.tryAcquire("b", Duration.ofMillis(300))).isTrue();
		await().atMost(WAIT).until(() -> lock.tryAcquire("a", Duration.ofSeconds(30)));
	}

}
