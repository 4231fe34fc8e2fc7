package io.gtask.it;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.broker.Delivery;
import io.gtask.broker.TaskBroker;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.PoisonTaskException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisKeyspace;
import io.gtask.worker.TaskContainer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What happens to tasks whose worker dies, runs long, or stops, on a real Redis.
 */
class RecoveryIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
		.withPropertyValues("gtask.key-prefix=" + this.prefix, "gtask.worker.visibility-timeout=1s",
				"gtask.worker.reclaim-interval=200ms");

	@Test
	void taskLeftUnfinishedByADeadWorkerIsRunByAnother() {
		this.runner.withPropertyValues("gtask.worker.auto-startup=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String key = UUID.randomUUID().toString();
			String id = client.send("once", key, 0L);
			// a worker fetches the task and dies before acknowledging it
			try (TaskBroker.Consumer dead = context.getBean(TaskBroker.class).consumer("default", "dead-worker")) {
				assertThat(dead.fetch(1)).hasSize(1);
			}
			context.getBean(TaskContainer.class).start();
			assertThat(client.await(id, WAIT, String.class)).isEqualTo(key + ":1");
			assertThat(TestHandlers.sharedCalls(key)).isEqualTo(1);
		});
	}

	@Test
	void taskRunningLongerThanTheVisibilityTimeoutKeepsItsClaim() {
		this.runner.run((first) -> this.runner.run((second) -> {
			TaskClient client = first.getBean(TaskClient.class);
			String key = UUID.randomUUID().toString();
			String id = client.send("once", key, 3500L);
			TaskInfo info = client.awaitCompletion(id, WAIT);
			// 3.5 s of work with a 1 s visibility timeout and another worker looking every 200 ms
			assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(client.result(id, String.class)).isEqualTo(key + ":1");
			assertThat(TestHandlers.sharedCalls(key)).isEqualTo(1);
		}));
	}

	@Test
	void taskDeliveredTooOftenIsSetAsideAsAPoisonTask() {
		this.runner.withPropertyValues("gtask.worker.auto-startup=false", "gtask.worker.max-deliveries=2")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				String key = UUID.randomUUID().toString();
				String id = client.send("once", key, 0L);
				String stream = new RedisKeyspace(this.prefix).ready("default");
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				// two workers in turn took the task and died with it
				try (TaskBroker.Consumer dead = context.getBean(TaskBroker.class).consumer("default", "dead-1")) {
					Delivery delivery = dead.fetch(1).get(0);
					redis.opsForStream()
						.claim(stream, RedisKeyspace.GROUP, "dead-2", Duration.ZERO, RecordId.of(delivery.deliveryId()));
				}
				context.getBean(TaskContainer.class).start();
				TaskInfo info = client.awaitCompletion(id, WAIT);
				assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
				assertThat(info.error().type()).isEqualTo(PoisonTaskException.class.getName());
				assertThat(info.error().message()).startsWith("Delivered 3 times without finishing");
				assertThat(TestHandlers.sharedCalls(key)).isZero();
				// the dead letter is written right after the state that waiting callers hear of
				await().atMost(WAIT).until(() -> !context.getBean(DeadLetters.class).list("default", 0, 10).isEmpty());
				List<DeadLetter> letters = context.getBean(DeadLetters.class).list("default", 0, 10);
				assertThat(letters).singleElement().satisfies((letter) -> {
					assertThat(letter.taskId()).isEqualTo(id);
					assertThat(letter.deliveries()).isEqualTo(3);
					assertThat(letter.errorType()).isEqualTo(PoisonTaskException.class.getName());
				});
				assertThat(context.getBean(TaskContainer.class).getPoisonTasks()).isEqualTo(1);
			});
	}

	@Test
	void stoppingHandsUnfinishedTasksBackForAnotherWorkerAtOnce() {
		ApplicationContextRunner second = this.runner.withPropertyValues("gtask.worker.auto-startup=false",
				"gtask.worker.visibility-timeout=1h");
		this.runner.withPropertyValues("gtask.worker.shutdown-timeout=300ms").run((first) -> second.run((other) -> {
			TaskClient client = first.getBean(TaskClient.class);
			String key = UUID.randomUUID().toString();
			String id = client.send("once", key, 60_000L);
			await().atMost(WAIT).until(() -> client.status(id) == TaskStatus.STARTED);
			first.close();
			// the other worker would wait an hour for an abandoned task; a handed-back one it takes at once
			other.getBean(TaskContainer.class).start();
			TaskClient otherClient = other.getBean(TaskClient.class);
			assertThat(otherClient.await(id, WAIT, String.class)).isEqualTo(key + ":2");
			assertThat(otherClient.info(id).status()).isEqualTo(TaskStatus.SUCCESS);
			String stream = new RedisKeyspace(this.prefix).ready("default");
			StringRedisTemplate redis = other.getBean(StringRedisTemplate.class);
			// acknowledged right after the state the caller heard of
			await().atMost(WAIT)
				.until(() -> redis.opsForStream().pending(stream, RedisKeyspace.GROUP, Range.unbounded(), 10).isEmpty());
		}));
	}

	@Test
	void taskArrivingWhileAWorkerStopsIsLeftForAnotherWorker() {
		ApplicationContextRunner second = this.runner.withPropertyValues("gtask.worker.auto-startup=false",
				"gtask.worker.visibility-timeout=1h");
		this.runner.withPropertyValues("gtask.worker.poll-timeout=3s").run((first) -> second.run((other) -> {
			TaskContainer container = first.getBean(TaskContainer.class);
			// let the fetcher settle into its wait on the empty queue
			Thread.sleep(500);
			Thread stopper = new Thread(container::stop);
			stopper.start();
			await().atMost(WAIT).until(() -> !container.isRunning());
			String key = UUID.randomUUID().toString();
			String id = first.getBean(TaskClient.class).send("once", key, 0L);
			stopper.join();
			assertThat(TestHandlers.sharedCalls(key)).isZero();
			// not fetched by the stopping worker, so not in flight: the other worker takes it at once
			other.getBean(TaskContainer.class).start();
			assertThat(other.getBean(TaskClient.class).await(id, WAIT, String.class)).isEqualTo(key + ":1");
		}));
	}

	@Test
	void acknowledgedTasksLeaveNothingInFlight() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			for (int i = 0; i < 20; i++) {
				client.await(client.send("add", i, i), WAIT, Integer.class);
			}
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String stream = new RedisKeyspace(context.getBean(GTaskProperties.class).getKeyPrefix()).ready("default");
			await().atMost(WAIT)
				.until(() -> redis.opsForStream()
					.pending(stream, RedisKeyspace.GROUP, Range.unbounded(), 10)
					.isEmpty() && redis.opsForStream().size(stream) == 0);
		});
	}

}
