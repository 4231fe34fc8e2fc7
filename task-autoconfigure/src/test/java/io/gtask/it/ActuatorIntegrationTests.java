package io.gtask.it;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.gtask.actuate.GTaskEndpoint;
import io.gtask.actuate.GTaskEndpoint.DeadLetterPage;
import io.gtask.actuate.GTaskEndpoint.GTaskDescriptor;
import io.gtask.actuate.GTaskHealthIndicator;
import io.gtask.autoconfigure.GTaskEndpointAutoConfiguration;
import io.gtask.autoconfigure.GTaskHealthContributorAutoConfiguration;
import io.gtask.core.DeadLetterView;
import io.gtask.core.DeadLetters;
import io.gtask.core.QueueInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import io.gtask.worker.TaskContainer;
import io.gtask.worker.WorkerInfo;
import io.gtask.worker.WorkerRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code gtask} health indicator, the {@code gtask} endpoint (its operations invoked on the
 * bean) and the worker registry on a real Redis.
 */
class ActuatorIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withConfiguration(AutoConfigurations.of(GTaskHealthContributorAutoConfiguration.class,
				GTaskEndpointAutoConfiguration.class))
		.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
		.withPropertyValues("management.endpoints.web.exposure.include=gtask", "gtask.worker.concurrency=3");

	private final ApplicationContextRunner producer = this.runner.withPropertyValues("gtask.worker.enabled=false");

	@Test
	void healthIsUpWithTheCountsOfConsumedQueuesAndTheWorker() {
		this.runner.run((context) -> {
			TaskContainer container = context.getBean(TaskContainer.class);
			await().atMost(WAIT).until(container::isRunning);
			Health health = context.getBean(GTaskHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsKeys("queues", "worker").doesNotContainKey("backlog");
			assertThat(detail(health, "queues")).containsKeys("default", "other");
			assertThat(detail(detail(health, "queues"), "default")).containsEntry("pending", 0L)
				.containsEntry("paused", false);
			assertThat(detail(health, "worker")).containsEntry("running", true)
				.containsEntry("concurrency", 3)
				.containsEntry("name", container.getSettings().consumerName());
		});
	}

	@Test
	void healthIsDownWhenTheWorkerStopped() {
		this.runner.run((context) -> {
			TaskContainer container = context.getBean(TaskContainer.class);
			await().atMost(WAIT).until(container::isRunning);
			container.stop();
			Health health = context.getBean(GTaskHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(detail(health, "worker")).containsEntry("running", false);
		});
	}

	@Test
	void healthReportsABacklogAsDetailAndKeepsUpByDefault() {
		this.producer.withPropertyValues("gtask.health.backlog-threshold=2").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			for (int i = 0; i < 3; i++) {
				client.send("add", i, i);
			}
			Health health = context.getBean(GTaskHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backlogThreshold", 2L).doesNotContainKey("worker");
			assertThat(detail(health, "backlog")).containsEntry("default", 3L);
		});
	}

	@Test
	void healthReportsTheConfiguredStatusForABacklog() {
		this.producer
			.withPropertyValues("gtask.health.backlog-threshold=0", "gtask.health.backlog-status=OUT_OF_SERVICE")
			.run((context) -> {
				context.getBean(TaskClient.class).send("add", 1, 2);
				assertThat(context.getBean(GTaskHealthIndicator.class).health().getStatus())
					.isEqualTo(Status.OUT_OF_SERVICE);
			});
	}

	@Test
	void healthIsDownWithTheErrorWhenRedisRefusesConnections() {
		this.producer.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1", "gtask.redis.timeout=1s")
			.run((context) -> {
				long start = System.nanoTime();
				Health health = context.getBean(GTaskHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsKey("error");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			});
	}

	@Test
	void workersListThisInstanceWithItsPidConcurrencyAndQueues() {
		this.runner.run((context) -> {
			TaskContainer container = context.getBean(TaskContainer.class);
			GTaskEndpoint endpoint = context.getBean(GTaskEndpoint.class);
			await().atMost(WAIT).until(() -> !endpoint.gtask().workers().isEmpty());
			GTaskDescriptor overview = endpoint.gtask();
			assertThat(overview.workers()).singleElement().satisfies((worker) -> {
				assertThat(worker.name()).isEqualTo(container.getSettings().consumerName());
				assertThat(worker.pid()).isEqualTo(ProcessHandle.current().pid());
				assertThat(worker.concurrency()).isEqualTo(3);
				assertThat(worker.queues()).containsExactlyInAnyOrder("default", "other");
				assertThat(worker.host()).isNotBlank();
				assertThat(worker.lastHeartbeat()).isAfterOrEqualTo(worker.startedAt());
				assertThat(worker.aliveUntil()).isAfter(worker.lastHeartbeat());
			});
			assertThat(overview.queues()).containsKeys("default", "other");
			container.stop();
			assertThat(context.getBean(WorkerRegistry.class).workers(java.time.Instant.now())).isEmpty();
		});
	}

	@Test
	void pauseAndResumeAQueue() {
		this.producer.run((context) -> {
			GTaskEndpoint endpoint = context.getBean(GTaskEndpoint.class);
			QueueInfo paused = (QueueInfo) endpoint.act("queues", "default", "pause");
			assertThat(paused.paused()).isTrue();
			assertThat(((QueueInfo) endpoint.item("queues", "default")).paused()).isTrue();
			assertThat(endpoint.gtask().queues().get("default").paused()).isTrue();
			assertThat(((QueueInfo) endpoint.act("queues", "default", "resume")).paused()).isFalse();
		});
	}

	@Test
	void showsRevokesAndCancelsTasks() {
		this.producer.run((context) -> {
			GTaskEndpoint endpoint = context.getBean(GTaskEndpoint.class);
			String id = context.getBean(TaskClient.class).send("add", 1, 2);
			TaskInfo info = (TaskInfo) endpoint.item("tasks", id);
			assertThat(info.name()).isEqualTo("add");
			assertThat(info.status()).isEqualTo(TaskStatus.PENDING);
			assertThat(endpoint.act("tasks", id, "revoke")).isEqualTo(Map.of("id", id, "revoked", true));
			assertThat(((TaskInfo) endpoint.item("tasks", id)).status()).isEqualTo(TaskStatus.REVOKED);
			assertThat(endpoint.item("tasks", UUID.randomUUID().toString())).isNull();
			assertThat(endpoint.act("tasks", id, "cancel")).isEqualTo(Map.of("id", id, "cancelled", false));
		});
	}

	@Test
	void showsFlowsAndBatches() {
		this.producer.run((context) -> {
			GTaskEndpoint endpoint = context.getBean(GTaskEndpoint.class);
			TaskClient client = context.getBean(TaskClient.class);
			String flow = client.flows()
				.start(io.gtask.core.TaskFlow.chain(io.gtask.core.TaskFlow.task("add", 1, 2),
						io.gtask.core.TaskFlow.task("add", 3)));
			io.gtask.core.FlowInfo info = (io.gtask.core.FlowInfo) endpoint.item("flows", flow);
			assertThat(info.kind()).isEqualTo("chain");
			assertThat(info.steps()).hasSize(2);
			assertThat(info.steps().get(0).status()).isEqualTo(TaskStatus.PENDING);
			String batch = client.batches()
				.start(io.gtask.core.BatchRequest.of(io.gtask.core.TaskRequest.of("add").args(1, 1).build()));
			io.gtask.core.BatchInfo counts = (io.gtask.core.BatchInfo) endpoint.item("batches", batch);
			assertThat(counts.total()).isEqualTo(1);
			assertThat(counts.pending()).isEqualTo(1);
			assertThat(endpoint.item("flows", UUID.randomUUID().toString())).isNull();
			assertThat(endpoint.item("batches", UUID.randomUUID().toString())).isNull();
		});
	}

	@Test
	void retriesAndDeletesDeadLetters() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			GTaskEndpoint endpoint = context.getBean(GTaskEndpoint.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			String key = UUID.randomUUID().toString();
			String retried = client.send("failFirst", key);
			client.awaitCompletion(retried, WAIT);
			client.awaitCompletion(client.send("failOnce", "a"), WAIT);
			client.awaitCompletion(client.send("failOnce", "b"), WAIT);
			await().atMost(WAIT).until(() -> deadLetters.count("default") == 3);
			DeadLetterPage page = endpoint.deadLetters("queues", "default", "dead", null, 2);
			assertThat(page.total()).isEqualTo(3);
			assertThat(page.deadLetters()).hasSize(2);
			DeadLetterView letter = endpoint.deadLetters("queues", "default", "dead", 0, 10)
				.deadLetters()
				.stream()
				.filter((candidate) -> retried.equals(candidate.taskId()))
				.findFirst()
				.orElseThrow();
			assertThat(letter.payload()).contains(key);
			assertThat(endpoint.deadLetter("queues", "default", "dead", letter.id())).isEqualTo(letter);
			assertThat(endpoint.retry("queues", "default", "dead", letter.id(), "retry")).containsEntry("requeued", true)
				.containsEntry("taskId", retried);
			assertThat(client.await(retried, WAIT, String.class)).isEqualTo("ok on run 2");
			assertThat(endpoint.deadLetter("queues", "default", "dead", letter.id())).isNull();
			String other = endpoint.deadLetters("queues", "default", "dead", 0, 10).deadLetters().get(0).id();
			assertThat(endpoint.delete("queues", "default", "dead", other)).containsEntry("deleted", true);
			assertThat(endpoint.deleteAll("queues", "default", "dead")).containsEntry("deleted", 1L);
			assertThat(deadLetters.count("default")).isZero();
			assertThat(endpoint.retryAll("queues", "default", "dead", "retry")).containsEntry("requeued", 0);
		});
	}

	@Test
	void rejectsPathsThatNameNoOperation() {
		this.producer.run((context) -> {
			GTaskEndpoint endpoint = context.getBean(GTaskEndpoint.class);
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.item("nothing", "default"));
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.act("queues", "default", "drop"));
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.deleteAll("tasks", "default", "dead"));
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.item("queues", "bad{name}"));
		});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> detail(Health health, String name) {
		return (Map<String, Object>) health.getDetails().get(name);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> detail(Map<String, Object> details, String name) {
		return (Map<String, Object>) details.get(name);
	}

}
