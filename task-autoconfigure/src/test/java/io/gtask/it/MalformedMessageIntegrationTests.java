package io.gtask.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import io.gtask.autoconfigure.GTaskProperties;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Messages written into a queue by something other than gtask do not stop the worker.
 */
class MalformedMessageIntegrationTests {

	@Test
	void workerSurvivesMalformedMessagesAndRecordsTheReasonWhenTheIdIsKnown() {
		GTaskTestSupport.runner().withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				String stream = context.getBean(GTaskProperties.class).getKeyPrefix() + ":{default}:ready";
				redis.opsForStream().add(stream, java.util.Map.of("m", "{not json"));
				redis.opsForStream().add(stream, java.util.Map.of("other", "field"));
				client.send("add", 0, 0);
				redis.opsForStream().add(stream, java.util.Map.of("m", "{\"v\":1,\"id\":\"hostile-1\",\"name\":\"add\"}"));
				String id = client.send("add", 4, 5);
				assertThat(client.await(id, Duration.ofSeconds(10), Integer.class)).isEqualTo(9);
				// its outcome may be written after that of the task sent after it
				await().atMost(Duration.ofSeconds(10)).until(() -> client.find("hostile-1").isPresent());
				TaskInfo hostile = client.awaitCompletion("hostile-1", Duration.ofSeconds(10));
				assertThat(hostile.status()).isEqualTo(TaskStatus.FAILURE);
				assertThat(hostile.error().type()).isEqualTo(MalformedTaskMessageException.class.getName());
				assertThat(hostile.error().message()).contains("hostile-1").contains("no 'queue' string");
			});
	}

	@Test
	void messagesBreakingTheRulesOfSendAreDeadLetteredWithTheReasonWhileOtherTasksRun() {
		GTaskTestSupport.runner().withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
			.withPropertyValues("gtask.message.max-payload-size=1MB")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				DeadLetters deadLetters = context.getBean(DeadLetters.class);
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				String stream = context.getBean(GTaskProperties.class).getKeyPrefix() + ":{default}:ready";
				String longId = "i".repeat(201);
				redis.opsForStream().add(stream, Map.of("m", message(longId, "add", "default", "")));
				redis.opsForStream().add(stream, Map.of("m", message("control\\u0001id", "add", "default", "")));
				redis.opsForStream().add(stream, Map.of("m", message("long-name-1", "n".repeat(201), "default", "")));
				redis.opsForStream().add(stream, Map.of("m", message("other-queue-1", "add", "other", "")));
				redis.opsForStream().add(stream, Map.of("m", message("long-queue-1", "add", "q".repeat(101), "")));
				redis.opsForStream().add(stream, Map.of("m", message("huge-1", "add", "default", "x".repeat(10_000_000))));
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < 10; i++) {
					ids.add(client.send("add", i, 1));
				}
				for (int i = 0; i < ids.size(); i++) {
					assertThat(client.await(ids.get(i), Duration.ofSeconds(10), Integer.class)).isEqualTo(i + 1);
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.count("default") == 6);
				List<DeadLetter> letters = deadLetters.list("default", 0, 10);
				assertThat(letter(letters, "\"" + longId + "\"").reason()).contains("id").contains("200 characters");
				assertThat(letter(letters, "control").reason()).contains("id").contains("control characters");
				assertThat(letter(letters, "long-name-1").reason()).contains("name").contains("200 characters");
				assertThat(letter(letters, "other-queue-1").reason()).contains("queue 'other'").contains("'default'");
				assertThat(letter(letters, "long-queue-1").reason()).contains("queue").contains("100 characters");
				assertThat(letter(letters, "huge-1").reason()).contains("bytes").contains("gtask.message.max-payload-size");
				assertThat(letter(letters, "huge-1").payload()).hasSizeGreaterThan(10_000_000);
				for (String id : List.of("long-name-1", "other-queue-1", "long-queue-1", "huge-1")) {
					await().atMost(Duration.ofSeconds(10)).until(() -> client.find(id).isPresent());
					TaskInfo info = client.awaitCompletion(id, Duration.ofSeconds(10));
					assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
					assertThat(info.queue()).isEqualTo("default");
					assertThat(info.error().type()).isEqualTo(MalformedTaskMessageException.class.getName());
				}
				assertThat(client.info("other-queue-1").name()).isEqualTo("add");
				assertThat(letter(letters, "other-queue-1").name()).isEqualTo("add");
				assertThat(letter(letters, "control").taskId()).isNull();
				assertThat(letter(letters, "\"" + longId + "\"").taskId()).isNull();
				assertThatExceptionOfType(MalformedTaskMessageException.class)
					.isThrownBy(() -> deadLetters.requeue("default", letter(letters, "\"" + longId + "\"").id()))
					.withMessageContaining("cannot run")
					.withMessageContaining("Invalid task id");
				assertThat(deadLetters.requeueAll("default")).isZero();
				assertThat(deadLetters.count("default")).isEqualTo(6);
				String later = client.send("add", 20, 22);
				assertThat(client.await(later, Duration.ofSeconds(10), Integer.class)).isEqualTo(42);
			});
	}

	private static DeadLetter letter(List<DeadLetter> letters, String marker) {
		return letters.stream()
			.filter((letter) -> new String(letter.payload(), StandardCharsets.UTF_8).contains(marker))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No dead letter holds " + marker + " among " + letters));
	}

	@Test
	void aMessageSlightlyOverTheSendingLimitRunsSinceARetryReEncodesItButOneWellOverIsSetAside() {
		GTaskTestSupport.runner().withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
			.withPropertyValues("gtask.message.max-payload-size=2KB")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				String stream = context.getBean(GTaskProperties.class).getKeyPrefix() + ":{default}:ready";
				String base = message("retried-1", "add", "default", "x");
				// 100 bytes over the limit, as a retry of a message sent at the limit may be
				redis.opsForStream().add(stream, Map.of("m", message("retried-1", "add", "default",
						"x".repeat(2048 + 100 - base.length() + 1))));
				String over = message("over-1", "add", "default", "x");
				redis.opsForStream().add(stream, Map.of("m", message("over-1", "add", "default",
						"x".repeat(2048 + 8192 - over.length() + 1))));
				// written straight into the stream, these tasks have no record until the worker reads them
				await()
					.atMost(Duration.ofSeconds(10))
					.until(() -> client.find("retried-1").isPresent() && client.find("over-1").isPresent());
				assertThat(client.await("retried-1", Duration.ofSeconds(10), Integer.class)).isEqualTo(3);
				TaskInfo setAside = client.awaitCompletion("over-1", Duration.ofSeconds(10));
				assertThat(setAside.status()).isEqualTo(TaskStatus.FAILURE);
				assertThat(setAside.error().message()).contains("over the limit of 2048");
			});
	}

	private static String message(String id, String name, String queue, String padding) {
		return "{\"v\":1,\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"queue\":\"" + queue
				+ "\",\"args\":[1,2],\"attempt\":1,\"createdAt\":" + System.currentTimeMillis()
				+ (padding.isEmpty() ? "" : ",\"headers\":{\"pad\":\"" + padding + "\"}") + "}";
	}

}
