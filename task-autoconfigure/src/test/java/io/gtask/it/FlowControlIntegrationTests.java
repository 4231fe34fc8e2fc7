package io.gtask.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import io.gtask.core.QueueInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisKeyspace;
import io.gtask.worker.TaskContainer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Concurrency limits, rate limits and the order of several queues on a real Redis, with
 * several instances sharing it where the limit is global.
 */
class FlowControlIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner worker = GTaskTestSupport.runner()
		.withUserConfiguration(HandlersConfiguration.class)
		.withPropertyValues("gtask.key-prefix=" + this.prefix, "gtask.worker.concurrency=8");

	private final ApplicationContextRunner producer = this.worker.withPropertyValues("gtask.worker.enabled=false");

	@BeforeEach
	void reset() {
		FlowHandlers.reset();
	}

	@Test
	void globalConcurrencyLimitHoldsAcrossInstancesAndEveryTaskRuns() {
		this.worker.run((first) -> this.worker.run((second) -> {
			TaskClient client = first.getBean(TaskClient.class);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				ids.add(client.send("limited", 150));
			}
			for (String id : ids) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			assertThat(FlowHandlers.RUNS).hasValue(12);
			assertThat(FlowHandlers.MOST_RUNNING.get()).isEqualTo(2);
			QueueInfo info = first.getBean(TaskQueues.class).info("default");
			assertThat(info.waiting()).isZero();
		}));
	}

	@Test
	void concurrencyLimitHoldsForTasksSpreadOverEveryPriorityLane() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			// one promotion moves them all into their lanes at once, where they get the same entry ids
			Instant due = Instant.now().plusSeconds(1);
			List<TaskRequest> requests = new ArrayList<>();
			for (int i = 0; i < 33; i++) {
				// one task of each lane per promotion, so that tasks admitted together are of different lanes
				TaskRequest.Builder request = TaskRequest.of("limited").args(200).eta(due.plusSeconds(i / 11));
				int lane = i % RedisKeyspace.LANES;
				requests.add(((lane < TaskRequest.FRONT) ? request.priority(lane) : request.pushToFront()).build());
			}
			List<String> ids = client.sendAll(requests);
			for (String id : ids) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			assertThat(FlowHandlers.RUNS).hasValue(ids.size());
			assertThat(FlowHandlers.MOST_RUNNING.get()).isEqualTo(2);
		});
	}

	@Test
	void tasksOverTheLimitWaitWithoutHoldingWorkerSlots() {
		this.worker.withPropertyValues("gtask.worker.concurrency=2").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<String> limited = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				limited.add(client.send("exclusive", 400));
			}
			await().atMost(WAIT).until(() -> context.getBean(TaskQueues.class).info("default").waiting() > 0);
			// one slot runs the exclusive task; the other stays free for other work
			String other = client.send("record", "other");
			assertThat(client.await(other, Duration.ofSeconds(5), String.class)).isEqualTo("other");
			for (String id : limited) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			assertThat(FlowHandlers.MOST_RUNNING.get()).isEqualTo(1);
		});
	}

	@Test
	void permitOfAWorkerThatDiedIsReleasedAfterTheVisibilityTimeout() {
		this.worker.withPropertyValues("gtask.worker.visibility-timeout=1s").run((context) -> {
			// a permit held by a worker that died without releasing it: nobody renews it
			StringRedisTemplate redis = new StringRedisTemplate(
					context.getBean(org.springframework.data.redis.connection.RedisConnectionFactory.class));
			String leases = new RedisKeyspace(this.prefix).queuePrefix("default") + "leases:exclusive";
			redis.opsForZSet().add(leases, "0-1", System.currentTimeMillis() + 1000);
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("exclusive", 10);
			await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> client.status(id) == TaskStatus.PENDING);
			assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(redis.opsForZSet().score(leases, "0-1")).isNull();
		});
	}

	@Test
	void perInstanceLimitLetsEachInstanceRunItsOwnShare() {
		this.worker.run((first) -> this.worker.run((second) -> {
			TaskClient client = first.getBean(TaskClient.class);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				ids.add(client.send("perInstance", 200));
			}
			for (String id : ids) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			assertThat(FlowHandlers.RUNS).hasValue(8);
			// one per instance, two instances
			assertThat(FlowHandlers.MOST_RUNNING.get()).isBetween(1, 2);
		}));
	}

	@Test
	void perInstanceLimitIsHeldByOneInstance() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				ids.add(client.send("perInstance", 100));
			}
			for (String id : ids) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			assertThat(FlowHandlers.MOST_RUNNING.get()).isEqualTo(1);
		});
	}

	@Test
	void rateLimitSpreadsStartsOverTimeAcrossInstancesWithoutFailingAny() {
		this.worker.run((first) -> this.worker.run((second) -> {
			TaskClient client = first.getBean(TaskClient.class);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				ids.add(client.send("rated"));
			}
			for (String id : ids) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			List<Long> starts = new ArrayList<>(FlowHandlers.STARTS);
			Collections.sort(starts);
			assertThat(starts).hasSize(12);
			// 5 per second: the sixth start after any start comes a second later (less the jitter
			// between admission and the handler's first line on a loaded machine)
			for (int i = 0; i + 5 < starts.size(); i++) {
				assertThat(starts.get(i + 5) - starts.get(i)).isGreaterThan(800);
			}
		}));
	}

	@Test
	void limitsFromPropertiesTakePrecedenceOverTheHandler() {
		this.worker.withPropertyValues("gtask.limits.limited.concurrency=1").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				ids.add(client.send("limited", 100));
			}
			for (String id : ids) {
				client.awaitCompletion(id, WAIT);
			}
			assertThat(FlowHandlers.MOST_RUNNING.get()).isEqualTo(1);
		});
	}

	@Test
	void strictOrderServesALaterQueueOnlyWhenEarlierQueuesAreEmpty() {
		List<String> ids = new ArrayList<>();
		this.producer.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			for (int i = 0; i < 5; i++) {
				ids.add(client.send(TaskRequest.of("record").args("low").queue("low").build()));
				ids.add(client.send(TaskRequest.of("record").args("high").queue("high").build()));
			}
		});
		this.worker
			.withPropertyValues("gtask.worker.queues=high,low", "gtask.worker.queue-order=strict",
					"gtask.worker.concurrency=1", "gtask.worker.batch-size=1")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				for (String id : ids) {
					client.awaitCompletion(id, WAIT);
				}
			});
		assertThat(FlowHandlers.ORDER).containsExactly("high", "high", "high", "high", "high", "low", "low", "low",
				"low", "low");
	}

	@Test
	void weightedOrderServesEveryQueueInProportionWithoutStarvation() {
		List<String> ids = new ArrayList<>();
		this.producer.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<TaskRequest> requests = new ArrayList<>();
			for (int i = 0; i < 60; i++) {
				requests.add(TaskRequest.of("record").args("heavy").queue("heavy").build());
				requests.add(TaskRequest.of("record").args("light").queue("light").build());
			}
			ids.addAll(client.sendAll(requests));
		});
		this.worker
			.withPropertyValues("gtask.worker.queues=heavy,light", "gtask.worker.queue-order=weighted",
					"gtask.worker.queue-weights.heavy=3", "gtask.worker.queue-weights.light=1",
					"gtask.worker.concurrency=1", "gtask.worker.batch-size=1", "gtask.worker.auto-startup=false")
			.run((context) -> {
				context.getBean(TaskContainer.class).start();
				TaskClient client = context.getBean(TaskClient.class);
				await().atMost(WAIT).until(() -> FlowHandlers.ORDER.size() >= 60);
				List<String> first = new ArrayList<>(FlowHandlers.ORDER).subList(0, 60);
				long light = first.stream().filter("light"::equals).count();
				// weight 1 of 4: about 15 of 60; never none
				assertThat(light).isBetween(4L, 30L);
				for (String id : ids) {
					client.awaitCompletion(id, WAIT);
				}
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlersConfiguration {

		@Bean
		FlowHandlers flowHandlers() {
			return new FlowHandlers();
		}

	}

}
