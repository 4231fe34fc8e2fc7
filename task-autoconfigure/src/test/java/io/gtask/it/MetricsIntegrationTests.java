package io.gtask.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.gtask.autoconfigure.GTaskMetricsAutoConfiguration;
import io.gtask.core.BatchRequest;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFlow;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Task and queue metrics recorded in a {@link SimpleMeterRegistry}, on a real Redis.
 */
class MetricsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withConfiguration(AutoConfigurations.of(GTaskMetricsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
		.withUserConfiguration(MetricsHandlersConfiguration.class);

	@Test
	void countsSentStartedAndSucceededTasksAndTimesTheirExecutionAndWait() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			for (int i = 0; i < 3; i++) {
				assertThat(client.awaitCompletion(client.send("ok"), WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			assertThat(counter(meters, "gtask.tasks.sent", "ok")).isEqualTo(3);
			assertThat(meters.get("gtask.tasks.sent").tags("task", "ok").counters()).singleElement()
				.satisfies((sent) -> assertThat(sent.getId().getTag("origin")).isEqualTo("client"));
			assertThat(counter(meters, "gtask.tasks.started", "ok")).isEqualTo(3);
			assertThat(completed(meters, "ok", "success")).isEqualTo(3);
			assertThat(execution(meters, "ok", "success").count()).isEqualTo(3);
			assertThat(execution(meters, "ok", "success").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
				.isGreaterThanOrEqualTo(3 * 20);
			Timer wait = meters.get("gtask.tasks.wait").tags("queue", "default", "task", "ok").timer();
			assertThat(wait.count()).isEqualTo(3);
		});
	}

	@Test
	void waitOfADelayedTaskIsMeasuredFromItsDueTime() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			String id = client.send(TaskRequest.of("ok").countdown(Duration.ofMillis(1500)).build());
			assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			Timer wait = meters.get("gtask.tasks.wait").tags("queue", "default", "task", "ok").timer();
			assertThat(wait.count()).isEqualTo(1);
			assertThat(wait.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isLessThan(1000);
		});
	}

	@Test
	void countsRetriesThenSuccess() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(client.awaitCompletion(client.send("flakyOnce"), WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(counter(meters, "gtask.tasks.sent", "flakyOnce")).isEqualTo(1);
			assertThat(counter(meters, "gtask.tasks.started", "flakyOnce")).isEqualTo(2);
			assertThat(completed(meters, "flakyOnce", "retry")).isEqualTo(1);
			assertThat(completed(meters, "flakyOnce", "success")).isEqualTo(1);
			assertThat(execution(meters, "flakyOnce", "retry").count()).isEqualTo(1);
			assertThat(meters.get("gtask.tasks.wait").tags("task", "flakyOnce").timer().count())
				.as("only the first attempt waits in the queue")
				.isEqualTo(1);
			assertThat(meters.find("gtask.tasks.dead_lettered").tags("task", "flakyOnce").counter().count())
				.isZero();
		});
	}

	@Test
	void countsFailuresAndTimeoutsAsDeadLetters() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(client.awaitCompletion(client.send("broken"), WAIT).status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(client.awaitCompletion(client.send("tooSlow"), WAIT).status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(completed(meters, "broken", "failure")).isEqualTo(1);
			assertThat(execution(meters, "broken", "failure").count()).isEqualTo(1);
			assertThat(counter(meters, "gtask.tasks.dead_lettered", "broken")).isEqualTo(1);
			assertThat(completed(meters, "tooSlow", "timeout")).isEqualTo(1);
			assertThat(execution(meters, "tooSlow", "timeout").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
				.isGreaterThanOrEqualTo(200);
			assertThat(counter(meters, "gtask.tasks.dead_lettered", "tooSlow")).isEqualTo(1);
		});
	}

	@Test
	void deadLettersSentAgainAreCountedWithTheirOrigin() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			String first = client.send("broken");
			String second = client.send("broken");
			String third = client.send("broken");
			for (String id : new String[] { first, second, third }) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.FAILURE);
			}
			await().atMost(WAIT).until(() -> deadLetters.count("default") == 3);
			// they would fail into the dead letters again while requeueAll reads them
			context.getBean(TaskQueues.class).pause("default");
			DeadLetter letter = deadLetters.list("default", 0, 10)
				.stream()
				.filter((candidate) -> first.equals(candidate.taskId()))
				.findFirst()
				.orElseThrow();
			assertThat(deadLetters.requeue("default", letter.id())).contains(first);
			assertThat(deadLetters.requeueAll("default")).isEqualTo(2);
			Counter requeued = meters.get("gtask.tasks.sent")
				.tags("queue", "default", "task", "broken", "origin", "dead_letter")
				.counter();
			assertThat(requeued.count()).isEqualTo(3);
			assertThat(meters.get("gtask.tasks.sent").tags("task", "broken", "origin", "client").counter().count())
				.isEqualTo(3);
		});
	}

	@Test
	void countsFlowsAndBatchesAndTimesThemByKindAndFinalState() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			String chain = client.flows().start(TaskFlow.chain(TaskFlow.task("ok"), TaskFlow.task("ok").immutable()));
			assertThat(client.awaitCompletion(chain, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			String failed = client.flows().start(TaskFlow.chain(TaskFlow.task("broken"), TaskFlow.task("ok")));
			assertThat(client.awaitCompletion(failed, WAIT).status()).isEqualTo(TaskStatus.FAILURE);
			String batch = client.batches()
				.start(BatchRequest.of(List.of(TaskRequest.of("ok").build(), TaskRequest.of("ok").build())));
			assertThat(client.batches().await(batch, WAIT).succeeded()).isEqualTo(2);
			assertThat(meters.get("gtask.flows.started").tag("kind", "chain").counter().count()).isEqualTo(2);
			assertThat(meters.get("gtask.flows.started").tag("kind", "batch").counter().count()).isEqualTo(1);
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(meters.get("gtask.flows.duration").tags("kind", "chain", "status", "SUCCESS").timer().count())
					.isEqualTo(1);
				assertThat(meters.get("gtask.flows.duration").tags("kind", "chain", "status", "FAILURE").timer().count())
					.isEqualTo(1);
				Timer batches = meters.get("gtask.flows.duration").tags("kind", "batch", "status", "SUCCESS").timer();
				assertThat(batches.count()).isEqualTo(1);
				assertThat(batches.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(20);
			});
		});
	}

	@Test
	void tasksWithoutHandlerAreTaggedWithinTheLimitOfNames() {
		this.runner.withPropertyValues("gtask.metrics.max-task-names=1").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(client.awaitCompletion(client.send("nobodyA"), WAIT).status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(client.awaitCompletion(client.send("nobodyB"), WAIT).status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(counter(meters, "gtask.tasks.sent", "nobodyA")).isEqualTo(1);
			assertThat(counter(meters, "gtask.tasks.sent", "other")).isEqualTo(1);
			assertThat(completed(meters, "nobodyA", "failure")).isEqualTo(1);
			assertThat(counter(meters, "gtask.tasks.dead_lettered", "other")).isEqualTo(1);
			assertThat(meters.find("gtask.tasks.sent").tag("task", "nobodyB").counter()).isNull();
		});
	}

	@Test
	void queueGaugesShowPendingAndDelayedTasks() {
		this.runner.withPropertyValues("gtask.metrics.queue-refresh-interval=100ms").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskQueues queues = context.getBean(TaskQueues.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			queues.pause("default");
			for (int i = 0; i < 3; i++) {
				client.send("ok");
			}
			client.send(TaskRequest.of("ok").countdown(Duration.ofHours(1)).build());
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(gauge(meters, "gtask.queue.pending")).isEqualTo(3);
				assertThat(gauge(meters, "gtask.queue.delayed")).isEqualTo(1);
				assertThat(gauge(meters, "gtask.queue.in_flight")).isZero();
				assertThat(gauge(meters, "gtask.queue.dead")).isZero();
			});
		});
	}

	private static double gauge(MeterRegistry meters, String name) {
		return meters.get(name).tag("queue", "default").gauge().value();
	}

	private static double counter(MeterRegistry meters, String name, String task) {
		return meters.get(name).tags("queue", "default", "task", task).counter().count();
	}

	private static double completed(MeterRegistry meters, String task, String outcome) {
		return search(meters, "gtask.tasks.completed", task, outcome).counter().count();
	}

	private static Timer execution(MeterRegistry meters, String task, String outcome) {
		return search(meters, "gtask.tasks.execution", task, outcome).timer();
	}

	private static RequiredSearch search(MeterRegistry meters, String name, String task, String outcome) {
		return meters.get(name).tags("queue", "default", "task", task, "outcome", outcome);
	}

	@Configuration(proxyBeanMethods = false)
	static class MetricsHandlersConfiguration {

		@Bean
		MetricsHandlers metricsHandlers() {
			return new MetricsHandlers();
		}

	}

	static class MetricsHandlers {

		private final AtomicInteger flakyCalls = new AtomicInteger();

		@TaskHandler("ok")
		String ok() throws InterruptedException {
			Thread.sleep(20);
			return "ok";
		}

		@TaskHandler(value = "flakyOnce", maxRetries = 2, backoff = "50ms")
		String flakyOnce() {
			if (this.flakyCalls.incrementAndGet() == 1) {
				throw new IllegalStateException("first attempt fails");
			}
			return "second attempt";
		}

		@TaskHandler(value = "broken", maxRetries = 0)
		String broken() {
			throw new IllegalStateException("always fails");
		}

		@TaskHandler(value = "tooSlow", timeout = "200ms", maxRetries = 0)
		String tooSlow() throws InterruptedException {
			Thread.sleep(5000);
			return "too late";
		}

	}

}
