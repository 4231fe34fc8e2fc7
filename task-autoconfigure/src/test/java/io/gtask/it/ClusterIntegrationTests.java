package io.gtask.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.autoconfigure.GTaskStatsAutoConfiguration;
import io.gtask.core.QueueInfo;
import io.gtask.core.ScheduledTask;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.stats.TaskStatsStore;
import io.gtask.test.RedisClusterProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * gtask on a Redis Cluster of three masters: queues whose keys land on different nodes, every
 * script on keys of one hash tag, two instances sharing the cluster.
 */
class ClusterIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static RedisClusterProcess cluster;

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterProcess.start();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					GTaskAutoConfiguration.class, GTaskStatsAutoConfiguration.class))
			.withBean(FlowHandlers.class)
			.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodes(), "gtask.key-prefix=" + this.prefix,
					"gtask.worker.queues=alpha,beta,gamma", "gtask.worker.poll-timeout=200ms",
					"gtask.stats.flush-interval=100ms");
	}

	@Test
	void tasksOfQueuesOnDifferentNodesRunWithEveryFeatureOnTwoInstances() {
		FlowHandlers.reset();
		this.runner().run((first) -> this.runner().run((second) -> {
			TaskClient client = first.getBean(TaskClient.class);
			List<String> ids = new ArrayList<>();
			for (String queue : List.of("alpha", "beta", "gamma")) {
				ids.add(client.send(TaskRequest.of("record").args(queue).queue(queue).build()));
				ids.add(client.send(TaskRequest.of("record").args(queue + "-high").queue(queue).priority(5).build()));
				ids.add(client.send(TaskRequest.of("record")
					.args(queue + "-later")
					.queue(queue)
					.countdown(Duration.ofMillis(300))
					.build()));
				ids.add(client.send(TaskRequest.of("record").args(queue + "-once").queue(queue).unique(Duration.ofMinutes(1)).build()));
			}
			// limits hold per queue: the permits of a name live with the queue's other keys on one node
			for (int i = 0; i < 6; i++) {
				ids.add(client.send(TaskRequest.of("limited").args(100).queue("alpha").build()));
			}
			for (String id : ids) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			assertThat(FlowHandlers.MOST_RUNNING.get()).isEqualTo(2);
			TaskQueues queues = second.getBean(TaskQueues.class);
			queues.pause("beta");
			String paused = client.send(TaskRequest.of("record").args("paused").queue("beta").build());
			await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> client.status(paused) == TaskStatus.PENDING);
			QueueInfo info = queues.info("beta");
			assertThat(info.paused()).isTrue();
			assertThat(info.pending()).isEqualTo(1);
			assertThat(info.consumers()).hasSize(2);
			assertThat(queues.peekNext("beta")).hasValueSatisfying((task) -> assertThat(task.id()).isEqualTo(paused));
			queues.resume("beta");
			assertThat(client.awaitCompletion(paused, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			String running = client.send(TaskRequest.of("block").queue("gamma").build());
			await().atMost(WAIT).until(() -> client.status(running) == TaskStatus.STARTED);
			assertThat(client.cancel(running)).isTrue();
			assertThat(client.awaitCompletion(running, WAIT).status()).isEqualTo(TaskStatus.REVOKED);
		}));
	}

	@Test
	void scheduledTasksAndTaskStatisticsWorkAcrossNodes() {
		this.runner().run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskQueues queues = context.getBean(TaskQueues.class);
			List<String> later = new ArrayList<>();
			for (String queue : List.of("alpha", "beta", "gamma")) {
				later.add(client.send(TaskRequest.of("record").args(queue).queue(queue).countdown(Duration.ofHours(1)).build()));
			}
			assertThat(queues.scheduled("alpha", 0, 10)).extracting(ScheduledTask::id).containsExactly(later.get(0));
			assertThat(queues.scheduled("gamma", 0, 10)).extracting(ScheduledTask::id).containsExactly(later.get(2));
			String now = client.send(TaskRequest.of("record").args("now").queue("beta").build());
			assertThat(client.awaitCompletion(now, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			TaskStatsStore stats = context.getBean(TaskStatsStore.class);
			await().atMost(WAIT).until(() -> stats.totals(Instant.now()).succeeded() >= 1);
			assertThat(stats.totals(Instant.now()).sent()).isGreaterThanOrEqualTo(4);
			assertThat(stats.history(Instant.now(), Duration.ofHours(1), Duration.ofMinutes(1)))
				.hasSize(60)
				.anySatisfy((bucket) -> assertThat(bucket.succeeded()).isPositive());
		});
	}

}
