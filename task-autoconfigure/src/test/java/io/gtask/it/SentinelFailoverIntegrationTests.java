package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gtask.core.TaskClient;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskStatus;
import io.gtask.test.RedisProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code spring.data.redis.sentinel.*}, gtask follows a Sentinel failover: when the master
 * dies, the replica that Sentinel promotes takes over, and work goes on. Runs on a master, a
 * replica and a Sentinel of the test's own.
 */
class SentinelFailoverIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void workGoesOnAfterAFailover() {
		try (RedisProcess master = RedisProcess.start(new String[0]);
				RedisProcess replica = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
				RedisProcess sentinel = RedisProcess.startSentinel(master.port())) {
			GTaskTestSupport.runner()
					.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
					.withPropertyValues("spring.data.redis.sentinel.master=mymaster",
							"spring.data.redis.sentinel.nodes=127.0.0.1:" + sentinel.port(),
							"gtask.worker.poll-timeout=200ms")
					.run((context) -> {
						TaskClient client = context.getBean(TaskClient.class);
						assertThat(client.await(client.send("add", 1, 2), WAIT, Integer.class)).isEqualTo(3);
						List<String> before = new ArrayList<>();
						for (int i = 0; i < 10; i++) {
							before.add(client.send("add", i, 100));
						}
						for (String id : before) {
							client.awaitCompletion(id, WAIT);
						}
						// every write so far is on the replica before the master dies
						try (org.springframework.data.redis.connection.RedisConnection connection = context
							.getBean(org.springframework.data.redis.connection.RedisConnectionFactory.class)
							.getConnection()) {
							@SuppressWarnings("unchecked")
							io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands<byte[], byte[]> commands = (io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands<byte[], byte[]>) connection
								.getNativeConnection();
							// the replica may still be in its first sync
							await().atMost(WAIT).until(() -> commands.waitForReplication(1, 1000).get() == 1L);
						}
						master.kill();
						String after = await().atMost(WAIT)
							.ignoreException(TaskSendException.class)
							.until(() -> client.send("add", 20, 22), (id) -> id != null);
						assertThat(client.await(after, WAIT, Integer.class)).isEqualTo(42);
						for (String id : before) {
							assertThat(client.info(id).status()).isEqualTo(TaskStatus.SUCCESS);
						}
					});
		}
	}

}
