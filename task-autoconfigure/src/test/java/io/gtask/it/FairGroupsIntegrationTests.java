package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.gtask.core.BatchRequest;
import io.gtask.core.DeadLetters;
import io.gtask.core.DuplicateTaskException;
import io.gtask.core.QueueInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFlow;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisKeyspace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Fair groups on a real Redis: groups served round-robin, per-group limits across instances,
 * grouped tasks that wait for a countdown or a retry, and hostile data in the group keys.
 */
class FairGroupsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner worker = GTaskTestSupport.runner()
		.withUserConfiguration(HandlersConfiguration.class)
		.withPropertyValues("gtask.key-prefix=" + this.prefix, "gtask.worker.concurrency=8");

	private final ApplicationContextRunner producer = this.worker.withPropertyValues("gtask.worker.enabled=false");

	@BeforeEach
	void reset() {
		GroupHandlers.reset();
	}

	@Test
	void smallGroupsFinishBeforeTheBacklogOfABigGroup() {
		List<String> small = new ArrayList<>();
		this.producer.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			for (int chunk = 0; chunk < 10; chunk++) {
				List<TaskRequest> requests = new ArrayList<>();
				for (int i = 0; i < 1000; i++) {
					requests.add(TaskRequest.of("tenantWork").args("big", 0).group("big").build());
				}
				client.sendAll(requests);
			}
			List<TaskRequest> requests = new ArrayList<>();
			for (int g = 1; g <= 9; g++) {
				for (int i = 0; i < 10; i++) {
					requests.add(TaskRequest.of("tenantWork").args("small-" + g, 0).group("small-" + g).build());
				}
			}
			small.addAll(client.sendAll(requests));
			QueueInfo info = context.getBean(TaskQueues.class).info("default");
			assertThat(info.grouped()).isEqualTo(10_090);
			assertThat(info.groups()).isEqualTo(10);
		});
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			for (String id : small) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			int bigDoneWhenSmallDone = GroupHandlers.done("big");
			// round-robin: ten turns of each small group take about ten turns of the big one
			assertThat(bigDoneWhenSmallDone).isLessThan(500);
			await().atMost(WAIT).until(() -> GroupHandlers.done("big") == 10_000);
			// a group whose list ran empty leaves the turns at the next fetch that finds it empty
			await().atMost(WAIT).untilAsserted(() -> {
				QueueInfo info = context.getBean(TaskQueues.class).info("default");
				assertThat(info.grouped()).isZero();
				assertThat(info.groups()).isZero();
			});
		});
		assertThat(GroupHandlers.RUNS).hasValue(10_090);
	}

	@Test
	void perGroupConcurrencyHoldsAcrossInstancesWhileOtherGroupsRun() {
		ApplicationContextRunner limited = this.worker.withPropertyValues("gtask.groups.concurrency=2");
		limited.run((first) -> limited.run((second) -> {
			TaskClient client = first.getBean(TaskClient.class);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				for (String group : List.of("a", "b", "c")) {
					ids.add(client.send(TaskRequest.of("tenantWork").args(group, 150).group(group).build()));
				}
			}
			for (String id : ids) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			for (String group : List.of("a", "b", "c")) {
				assertThat(GroupHandlers.mostRunning(group)).isEqualTo(2);
			}
			// the groups ran beside each other: more than one group's limit at a time
			assertThat(GroupHandlers.MOST_RUNNING.get()).isGreaterThan(2);
			assertThat(GroupHandlers.RUNS).hasValue(24);
		}));
	}

	@Test
	void perGroupRateLimitSpacesTheTasksOfEachGroup() {
		this.worker.withPropertyValues("gtask.groups.rate=2", "gtask.groups.rate-period=1s").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<String> ids = new ArrayList<>();
			long started = System.currentTimeMillis();
			for (int i = 0; i < 6; i++) {
				ids.add(client.send(TaskRequest.of("tenantWork").args("r", 0).group("r").build()));
			}
			String other = client.send(TaskRequest.of("tenantWork").args("s", 0).group("s").build());
			assertThat(client.awaitCompletion(other, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			for (String id : ids) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			// two per second: the last two are admitted two full periods after the first two,
			// which came after the sends began
			assertThat(System.currentTimeMillis() - started).isGreaterThanOrEqualTo(2_000);
		});
	}

	@Test
	void groupedTasksWithACountdownARetryOrPushedToTheFrontKeepTheirGroup() {
		this.worker.withPropertyValues("gtask.groups.concurrency=1").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String delayed = client.send(TaskRequest.of("tenantWork").args("d", 0).group("d")
				.countdown(Duration.ofMillis(300)).build());
			String retried = client.send(TaskRequest.of("flakyTenantWork").args("d").group("d")
				.backoff(Duration.ofMillis(100)).build());
			assertThat(client.awaitCompletion(delayed, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(client.awaitCompletion(retried, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(client.info(retried).attempts()).isEqualTo(2);
			assertThat(GroupHandlers.mostRunning("d")).isEqualTo(1);
		});
		GroupHandlers.reset();
		this.producer.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			client.send(TaskRequest.of("tenantWork").args("f", 0).group("f").build());
			client.send(TaskRequest.of("tenantWork").args("f", 0).group("f").build());
			client.send(TaskRequest.of("tenantWork").args("f-front", 0).group("f").pushToFront().build());
		});
		this.worker.withPropertyValues("gtask.worker.concurrency=1").run((context) -> {
			await().atMost(WAIT).until(() -> GroupHandlers.done("f") + GroupHandlers.done("f-front") == 3);
			assertThat(GroupHandlers.ORDER.get(0)).isEqualTo("f-front");
		});
	}

	@Test
	void aGroupedTaskHoldsItsUniquenessKeyWhileItWaitsForItsTurn() {
		this.producer.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskRequest request = TaskRequest.of("tenantWork").args("u", 0).group("u")
				.uniqueKey("order-1", Duration.ofMinutes(1)).build();
			String first = client.send(request);
			assertThatExceptionOfType(DuplicateTaskException.class).isThrownBy(() -> client.send(request));
			assertThat(context.getBean(TaskQueues.class).info("default").grouped()).isEqualTo(1);
			this.worker.run((workerContext) -> assertThat(client.awaitCompletion(first, WAIT).status())
				.isEqualTo(TaskStatus.SUCCESS));
			// released with the outcome: the key can be taken again
			String again = client.send(request);
			assertThat(again).isNotEqualTo(first);
		});
	}

	@Test
	void membersOfABatchAndStepsOfAFlowKeepTheirGroup() {
		this.worker.withPropertyValues("gtask.groups.concurrency=1").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<TaskRequest> members = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				members.add(TaskRequest.of("tenantWork").args("batch", 100).group("batch").build());
			}
			String batch = client.batches().start(BatchRequest.of(members));
			assertThat(client.batches().await(batch, WAIT).succeeded()).isEqualTo(6);
			List<TaskFlow> steps = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				steps.add(TaskFlow.task(TaskRequest.of("tenantWork").args("flow", 100).group("flow").build()));
			}
			String flow = client.flows().start(TaskFlow.group(steps));
			await().atMost(WAIT).until(() -> GroupHandlers.done("flow") == 4);
			assertThat(client.flows().info(flow)).isNotNull();
			// one at a time, as the limit of their group allows, while eight slots were free
			assertThat(GroupHandlers.mostRunning("batch")).isEqualTo(1);
			assertThat(GroupHandlers.mostRunning("flow")).isEqualTo(1);
		});
	}

	@Test
	void hostileGroupKeysStopNeitherTheOtherGroupsNorTheUngroupedTasks() {
		this.producer.run((context) -> {
			StringRedisTemplate redis = new StringRedisTemplate(context.getBean(RedisConnectionFactory.class));
			String queuePrefix = new RedisKeyspace(this.prefix).queuePrefix("default");
			TaskClient client = context.getBean(TaskClient.class);
			// a group whose list is a string, a member that is no message, a huge score
			redis.opsForValue().set(queuePrefix + "group:broken", "not a list");
			redis.opsForZSet().add(queuePrefix + "groups", "broken", 0);
			redis.opsForList().rightPush(queuePrefix + "group:garbage", "{not json");
			redis.opsForZSet().add(queuePrefix + "groups", "garbage", -1e300);
			redis.opsForZSet().add(queuePrefix + "groups", "empty", 0);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				ids.add(client.send(TaskRequest.of("tenantWork").args("ok", 0).group("ok").build()));
				ids.add(client.send("tenantWork", "plain", 0));
			}
			this.worker.run((workerContext) -> {
				for (String id : ids) {
					assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
				}
				DeadLetters deadLetters = workerContext.getBean(DeadLetters.class);
				await().atMost(WAIT).until(() -> deadLetters.count("default") == 1);
				TaskQueues queues = workerContext.getBean(TaskQueues.class);
				await().atMost(WAIT)
					.until(() -> queues.keyProblems("default")
						.stream()
						.anyMatch((problem) -> problem.key().equals(queuePrefix + "group:broken")));
			});
			// a rotation of the wrong type stops no ungrouped task
			redis.delete(queuePrefix + "groups");
			redis.opsForValue().set(queuePrefix + "groups", "not a sorted set");
			String plain = client.send("tenantWork", "plain", 0);
			this.worker.run((workerContext) -> assertThat(client.awaitCompletion(plain, WAIT).status())
				.isEqualTo(TaskStatus.SUCCESS));
		});
	}

	@Test
	void aGroupThatBreaksTheRulesIsRefusedWithItsName() {
		assertThatIllegalArgumentException().isThrownBy(() -> TaskRequest.of("tenantWork").group(""))
			.withMessageContaining("group");
		assertThatIllegalArgumentException().isThrownBy(() -> TaskRequest.of("tenantWork").group("x".repeat(201)))
			.withMessageContaining("group");
		assertThatIllegalArgumentException().isThrownBy(() -> TaskRequest.of("tenantWork").group("a\nb"))
			.withMessageContaining("group");
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlersConfiguration {

		@Bean
		GroupHandlers groupHandlers() {
			return new GroupHandlers();
		}

	}

	static class GroupHandlers {

		static final AtomicInteger RUNS = new AtomicInteger();

		static final AtomicInteger RUNNING = new AtomicInteger();

		static final AtomicInteger MOST_RUNNING = new AtomicInteger();

		static final Map<String, AtomicInteger> DONE = new ConcurrentHashMap<>();

		static final Map<String, AtomicInteger> RUNNING_BY_GROUP = new ConcurrentHashMap<>();

		static final Map<String, AtomicInteger> MOST_BY_GROUP = new ConcurrentHashMap<>();

		static final List<String> ORDER = new java.util.concurrent.CopyOnWriteArrayList<>();

		static final Map<String, AtomicInteger> FLAKY = new ConcurrentHashMap<>();

		static void reset() {
			RUNS.set(0);
			RUNNING.set(0);
			MOST_RUNNING.set(0);
			DONE.clear();
			RUNNING_BY_GROUP.clear();
			MOST_BY_GROUP.clear();
			ORDER.clear();
			FLAKY.clear();
		}

		static int done(String group) {
			AtomicInteger done = DONE.get(group);
			return (done != null) ? done.get() : 0;
		}

		static int mostRunning(String group) {
			AtomicInteger most = MOST_BY_GROUP.get(group);
			return (most != null) ? most.get() : 0;
		}

		@TaskHandler("tenantWork")
		public void tenantWork(String group, int millis) throws InterruptedException {
			int running = RUNNING.incrementAndGet();
			MOST_RUNNING.accumulateAndGet(running, Math::max);
			int inGroup = RUNNING_BY_GROUP.computeIfAbsent(group, (key) -> new AtomicInteger()).incrementAndGet();
			MOST_BY_GROUP.computeIfAbsent(group, (key) -> new AtomicInteger()).accumulateAndGet(inGroup, Math::max);
			try {
				if (millis > 0) {
					Thread.sleep(millis);
				}
				ORDER.add(group);
				RUNS.incrementAndGet();
				DONE.computeIfAbsent(group, (key) -> new AtomicInteger()).incrementAndGet();
			}
			finally {
				RUNNING_BY_GROUP.get(group).decrementAndGet();
				RUNNING.decrementAndGet();
			}
		}

		@TaskHandler(value = "flakyTenantWork", maxRetries = 3)
		public void flakyTenantWork(String group) throws InterruptedException {
			if (FLAKY.computeIfAbsent(group, (key) -> new AtomicInteger()).incrementAndGet() == 1) {
				throw new IllegalStateException("first attempt fails");
			}
			tenantWork(group, 50);
		}

	}

}
