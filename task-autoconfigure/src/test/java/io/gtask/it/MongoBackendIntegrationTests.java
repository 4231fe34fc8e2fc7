package io.gtask.it;

import java.time.Duration;

import io.gtask.autoconfigure.GTaskMongoBackendAutoConfiguration;
import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.mongo.MongoResultBackend;
import io.gtask.core.DuplicateTaskException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFailedException;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisKeyspace;
import io.gtask.test.TestMongo;
import io.gtask.test.TestRedis;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tasks run by a real container on the test Redis, with their states and results kept in the
 * test MongoDB by the MongoDB result backend.
 */
class MongoBackendIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final String collection = TestMongo.uniqueCollection();

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withConfiguration(AutoConfigurations.of(MongoAutoConfiguration.class, DataMongoAutoConfiguration.class,
				GTaskMongoBackendAutoConfiguration.class))
		.withUserConfiguration(HandlersConfiguration.class)
		.withPropertyValues("gtask.backend.type=mongo", "spring.mongodb.uri=" + TestMongo.get().uri(),
				"gtask.backend.mongo.collection=" + this.collection, "gtask.result.poll-interval=100ms",
				"gtask.task.backoff.initial-interval=100ms", "gtask.task.backoff.jitter=0ms");

	@Test
	void taskRunsToSuccessAndItsResultIsAwaitedFromMongoDB() {
		this.runner.run((context) -> {
			assertThat(context.getBean(ResultBackend.class)).isInstanceOf(MongoResultBackend.class);
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("add", 2, 3);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(5);
			TaskInfo info = client.info(id);
			assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(info.attempts()).isEqualTo(1);
			assertThat(info.result()).isEqualTo("5");
			assertThat(info.startedAt()).isAfterOrEqualTo(info.createdAt());
			assertThat(info.finishedAt()).isAfterOrEqualTo(info.startedAt());
			Document stored = context.getBean(MongoTemplate.class).findById(id, Document.class, this.collection);
			assertThat(stored).containsEntry("status", "SUCCESS").containsEntry("result", "5");
			assertThat(redisTaskKeyExists(context, id)).isFalse();
		});
	}

	@Test
	void failedTaskKeepsItsErrorInMongoDB() {
		this.runner.withPropertyValues("gtask.task.max-retries=1").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("fail", "boom");
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.attempts()).isEqualTo(2);
			assertThat(info.error().type()).isEqualTo(IllegalStateException.class.getName());
			assertThat(info.error().message()).isEqualTo("boom");
			assertThatExceptionOfType(TaskFailedException.class).isThrownBy(() -> client.result(id, Object.class))
				.withMessageContaining("boom");
		});
	}

	@Test
	void callerChosenIdInUseIsRefused() {
		this.runner.withPropertyValues("gtask.worker.enabled=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			client.send(TaskRequest.of("add").id("invoice-42").args(1, 2).build());
			assertThatExceptionOfType(DuplicateTaskException.class)
				.isThrownBy(() -> client.send(TaskRequest.of("add").id("invoice-42").args(1, 2).build()));
			assertThat(client.status("invoice-42")).isEqualTo(TaskStatus.PENDING);
			assertThat(client.revoke("invoice-42")).isTrue();
			assertThat(client.status("invoice-42")).isEqualTo(TaskStatus.REVOKED);
		});
	}

	@Test
	void sendFailsAndQueuesNothingWhileMongoDBIsUnreachable() {
		this.runner
			.withPropertyValues("gtask.worker.enabled=false", "gtask.backend.mongo.create-indexes=false",
					"spring.mongodb.uri=mongodb://127.0.0.1:" + TestRedis.freePort()
							+ "/gtask_test?serverSelectionTimeoutMS=300")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				assertThatExceptionOfType(TaskSendException.class).isThrownBy(() -> client.send("add", 1, 2))
					.withMessageContaining("Could not record task 'add' in the result backend (MongoResultBackend")
					.withMessageContaining("nothing was queued");
				assertThat(context.getBean(TaskQueues.class).info("default").pending()).isZero();
			});
	}

	private static boolean redisTaskKeyExists(ApplicationContext context, String id) {
		String prefix = context.getBean(GTaskProperties.class).getKeyPrefix();
		return Boolean.TRUE.equals(context.getBean(StringRedisTemplate.class).hasKey(new RedisKeyspace(prefix).task(id)));
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlersConfiguration {

		@Bean
		TestHandlers testHandlers() {
			return new TestHandlers();
		}

	}

}
