package io.gtask.it;

import java.time.Duration;
import java.util.UUID;

import io.gtask.core.TaskClient;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisKeyspace;
import io.gtask.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker that starts while Redis is not there yet gets going by itself once Redis comes:
 * every background loop, the listener of cancellation requests included, connects when it can.
 * Runs on a redis-server of its own, started only after the application context.
 */
class WorkerStartedWithoutRedisIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void cancellationReachesATaskOfAWorkerThatStartedBeforeRedis() {
		String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);
		try (RedisProcess redis = RedisProcess.create("--appendonly", "yes", "--appendfsync", "always")) {
			GTaskTestSupport.runner()
				.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
				.withPropertyValues("spring.data.redis.url=" + redis.url(), "gtask.key-prefix=" + prefix)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					redis.start();
					TaskClient client = context.getBean(TaskClient.class);
					String channel = new RedisKeyspace(prefix).cancelChannel();
					sendAndCancel(client, redis, channel);
					// and a subscription that was made and then lost is made again
					redis.kill();
					redis.start();
					sendAndCancel(client, redis, channel);
				});
		}
	}

	private static void sendAndCancel(TaskClient client, RedisProcess redis, String channel) {
		String id = await().atMost(WAIT)
			.ignoreException(TaskSendException.class)
			.until(() -> client.send("sleep", 15_000L), (sent) -> sent != null);
		await().atMost(WAIT).ignoreExceptions().until(() -> client.status(id) == TaskStatus.STARTED);
		// a cancellation request is a message on a channel: only a subscribed worker hears it
		await().atMost(WAIT).untilAsserted(() -> assertThat(subscribers(redis.url(), channel)).isPositive());
		assertThat(client.cancel(id)).isTrue();
		assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.REVOKED);
	}

	private static long subscribers(String url, String channel) {
		RedisClient client = RedisClient.create(url);
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().pubsubNumsub(channel).getOrDefault(channel, 0L);
		}
		finally {
			client.shutdown();
		}
	}

}
