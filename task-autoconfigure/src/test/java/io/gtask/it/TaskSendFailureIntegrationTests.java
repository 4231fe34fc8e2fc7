package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.gtask.autoconfigure.GTaskJdbcBackendAutoConfiguration;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskSendOutcomeUnknownException;
import io.gtask.core.TaskStatus;
import io.gtask.test.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.gtask.core.PayloadTooLargeException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import io.gtask.test.TestRedis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * What a caller is told when a task cannot be accepted.
 */
class TaskSendFailureIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@Test
	void oversizedPayloadIsRefusedAtTheCallerAndNothingIsQueued() {
		GTaskTestSupport.runner()
			.withPropertyValues("gtask.message.max-payload-size=1KB", "gtask.worker.enabled=false")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				String big = "x".repeat(2000);
				assertThatExceptionOfType(PayloadTooLargeException.class)
					.isThrownBy(() -> client.send(TaskRequest.of("echo").args(big).id("too-big").build()))
					.withMessageContaining("'echo'")
					.withMessageContaining("over the limit of 1024 bytes (gtask.message.max-payload-size)");
				assertThat(client.find("too-big")).isEmpty();
				assertThat(client.send("echo", "small")).isNotBlank();
			});
	}

	@Test
	void sendingWhileRedisIsDownFailsFastWithAClearException() {
		int deadPort = TestRedis.freePort();
		GTaskTestSupport.runner()
			.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:" + deadPort, "gtask.worker.enabled=false",
					"spring.data.redis.connect-timeout=1s")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				long start = System.nanoTime();
				assertThatExceptionOfType(TaskSendException.class).isThrownBy(() -> client.send("add", 1, 2))
					.withMessageStartingWith("Could not send task 'add': Redis is unavailable")
					.withMessageEndingWith("nothing was queued");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			});
	}

	@Test
	void sendWhoseMessageMayHaveBeenQueuedSaysSoNamesTheTaskAndKeepsItsRecord() {
		try (RedisProcess redis = RedisProcess.start("--appendonly", "no")) {
			ApplicationContextRunner runner = GTaskTestSupport.runner()
				.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
						GTaskJdbcBackendAutoConfiguration.class))
				.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
				.withPropertyValues("spring.data.redis.url=" + redis.url(), "gtask.backend.type=jdbc",
						"spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
						"gtask.key-prefix=gtask-test-" + UUID.randomUUID().toString().substring(0, 8),
						"gtask.result.poll-interval=100ms", "gtask.redis.timeout=500ms");
			String key = "unknown-" + UUID.randomUUID();
			List<String> ids = new ArrayList<>();
			runner.withPropertyValues("gtask.worker.enabled=false").run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				client.send("once", "warm-" + key, 0L);
				// the record is written (in the database), Redis takes the message but answers too late
				pause(redis, Duration.ofSeconds(2));
				TaskSendOutcomeUnknownException ex = catchThrowableOfType(TaskSendOutcomeUnknownException.class,
						() -> client.send("once", key, 0L));
				assertThat(ex).as("the exception of a send whose outcome is unknown").isNotNull();
				assertThat(ex.getTaskIds()).hasSize(1);
				ids.add(ex.getTaskIds().get(0));
				assertThat(ex).hasMessageContaining(ids.get(0)).hasMessageContaining("may have been queued");
				awaitUnpaused(redis);
				assertThat(client.find(ids.get(0))).hasValueSatisfying(
						(info) -> assertThat(info.status()).isEqualTo(TaskStatus.PENDING));
			});
			// Redis queued the message once it answered again: the task runs, with its record
			runner.run((context) -> {
				TaskInfo info = context.getBean(TaskClient.class).awaitCompletion(ids.get(0), WAIT);
				assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
				assertThat(info.history()).first()
					.satisfies((event) -> assertThat(event.status()).isEqualTo(TaskStatus.PENDING));
				assertThat(TestHandlers.sharedCalls(key)).isOne();
			});
		}
	}

	@Test
	void sendWhoseRecordCannotBeWrittenQueuesNothing() {
		try (RedisProcess redis = RedisProcess.start("--appendonly", "no")) {
			ApplicationContextRunner runner = GTaskTestSupport.runner()
				.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
				.withPropertyValues("spring.data.redis.url=" + redis.url(),
						"gtask.key-prefix=gtask-test-" + UUID.randomUUID().toString().substring(0, 8),
						"gtask.redis.timeout=500ms");
			String key = "unrecorded-" + UUID.randomUUID();
			runner.withPropertyValues("gtask.worker.enabled=false").run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				client.send(TaskRequest.of("once").args("warm-" + key, 0L).id("warm-" + key).build());
				// the record (in Redis) of a caller-chosen id, written before the message, gets no answer in time
				pause(redis, Duration.ofSeconds(2));
				assertThatExceptionOfType(TaskSendException.class)
					.isThrownBy(() -> client.send(TaskRequest.of("once").args(key, 0L).id(key).build()))
					.isNotInstanceOf(TaskSendOutcomeUnknownException.class)
					.withMessageContaining("nothing was queued");
				awaitUnpaused(redis);
			});
			// once Redis answers again, the task must not run: it was not accepted
			runner.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				assertThat(client.await(client.send("once", "after-" + key, 0L), WAIT, String.class))
					.isEqualTo("after-" + key + ":1");
				await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> TestHandlers.sharedCalls(key) == 0);
			});
		}
	}

	@Test
	void sendOfAGeneratedIdWithoutAnswerSaysTheOutcomeIsUnknownAndTheTaskRunsWithItsRecord() {
		try (RedisProcess redis = RedisProcess.start("--appendonly", "no")) {
			ApplicationContextRunner runner = GTaskTestSupport.runner()
				.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
				.withPropertyValues("spring.data.redis.url=" + redis.url(),
						"gtask.key-prefix=gtask-test-" + UUID.randomUUID().toString().substring(0, 8),
						"gtask.redis.timeout=500ms");
			String key = "written-together-" + UUID.randomUUID();
			List<String> ids = new ArrayList<>();
			runner.withPropertyValues("gtask.worker.enabled=false").run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				client.send("once", "warm-" + key, 0L);
				// record and message go out together; Redis takes them but answers too late
				pause(redis, Duration.ofSeconds(2));
				TaskSendOutcomeUnknownException ex = catchThrowableOfType(TaskSendOutcomeUnknownException.class,
						() -> client.send("once", key, 0L));
				assertThat(ex).as("the exception of a send whose outcome is unknown").isNotNull();
				assertThat(ex.getTaskIds()).hasSize(1);
				ids.add(ex.getTaskIds().get(0));
				assertThat(ex).hasMessageContaining(ids.get(0)).hasMessageContaining("may have been queued");
				awaitUnpaused(redis);
				assertThat(client.find(ids.get(0))).hasValueSatisfying(
						(info) -> assertThat(info.status()).isEqualTo(TaskStatus.PENDING));
			});
			// Redis queued the message once it answered again: the task runs, with its record
			runner.run((context) -> {
				TaskInfo info = context.getBean(TaskClient.class).awaitCompletion(ids.get(0), WAIT);
				assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
				assertThat(info.history()).first()
					.satisfies((event) -> assertThat(event.status()).isEqualTo(TaskStatus.PENDING));
				assertThat(TestHandlers.sharedCalls(key)).isOne();
			});
		}
	}

	/**
	 * Make Redis hold every command for a while, as a busy or stalled server does.
	 */
	private static void pause(RedisProcess redis, Duration duration) {
		RedisClient client = RedisClient.create(redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync().clientPause(duration.toMillis());
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * Wait until Redis answers again: a command of a paused client waits for the pause to end.
	 */
	private static void awaitUnpaused(RedisProcess redis) {
		RedisClient client = RedisClient.create(redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync().ping();
		}
		finally {
			client.shutdown();
		}
	}

	@Test
	void invalidQueueNameIsRefused() {
		GTaskTestSupport.runner().withPropertyValues("gtask.worker.enabled=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> client.send(TaskRequest.of("add").args(1, 2).queue("a{b}").build()))
				.withMessageContaining("Invalid queue name 'a{b}'");
		});
	}

	@Test
	void idNameAndQueueAreRefusedByTheRulesWorkersApplyToWhatTheyRead() {
		GTaskTestSupport.runner().withPropertyValues("gtask.worker.enabled=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThatIllegalArgumentException().isThrownBy(() -> TaskRequest.of("add").id("a\u0000b").build())
				.withMessageContaining("Invalid task id 'a\\u0000b'")
				.withMessageContaining("without control characters");
			assertThatIllegalArgumentException().isThrownBy(() -> TaskRequest.of("add").id("i".repeat(201)).build())
				.withMessageContaining("(201 characters)")
				.withMessageContaining("1 to 200 characters");
			assertThatIllegalArgumentException().isThrownBy(() -> TaskRequest.of("n".repeat(201)))
				.withMessageContaining("Invalid task name");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> client.send(TaskRequest.of("add").args(1, 2).queue("a\u0001b").build()))
				.withMessageContaining("Invalid queue name 'a\\u0001b'");
			TaskRequest unchecked = new TaskRequest("add", java.util.List.of(1, 2), "tab\tid", null, null, null, null,
					null, 0, null, null, null, TaskRequest.OnDuplicate.FAIL);
			assertThatIllegalArgumentException().isThrownBy(() -> client.send(unchecked))
				.withMessageContaining("Invalid task id 'tab\\u0009id'");
			assertThat(client.find("tab\tid")).isEmpty();
		});
	}

	@Test
	void argumentsThatCannotBeWrittenAsJsonAreRefused() {
		GTaskTestSupport.runner().withPropertyValues("gtask.worker.enabled=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThatExceptionOfType(TaskSendException.class).isThrownBy(() -> client.send("add", new Unwritable()))
				.withMessageContaining("Arguments of task 'add' cannot be written as JSON");
		});
	}

	/**
	 * A value whose only property cannot be read.
	 */
	public static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("not readable");
		}

	}

}
