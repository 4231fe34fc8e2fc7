package io.gtask.it;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.broker.DeadLetterStore;
import io.gtask.client.DefaultDeadLetters;
import io.gtask.core.ArgumentBindingException;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.core.UnknownTaskException;
import io.gtask.redis.RedisKeyspace;
import io.gtask.send.TaskSender;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tasks that cannot succeed as they are end as dead letters, from which they can be sent again
 * or deleted; anything written into a queue by something else ends there too, and the worker
 * keeps running.
 */
class DeadLetterIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
		.withPropertyValues("gtask.task.max-retries=1", "gtask.task.backoff.initial-interval=50ms",
				"gtask.task.backoff.jitter=0ms");

	@Test
	void failedTaskIsKeptAsADeadLetterAndCanBeSentAgain() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			String key = UUID.randomUUID().toString();
			String id = client.send("failFirst", key);
			TaskInfo failed = client.awaitCompletion(id, WAIT);
			assertThat(failed.status()).isEqualTo(TaskStatus.FAILURE);
			await().atMost(WAIT).until(() -> deadLetters.count("default") == 1);
			DeadLetter letter = deadLetters.list("default", 0, 10).get(0);
			assertThat(letter.taskId()).isEqualTo(id);
			assertThat(letter.name()).isEqualTo("failFirst");
			assertThat(letter.reason()).isEqualTo("first run of " + key + " fails");
			assertThat(letter.errorType()).isEqualTo(IllegalStateException.class.getName());
			assertThat(letter.attempts()).isEqualTo(1);
			assertThat(new String(letter.payload(), StandardCharsets.UTF_8)).contains(id).contains(key);
			assertThat(deadLetters.find("default", letter.id())).contains(letter);
			assertThat(deadLetters.requeue("default", letter.id())).contains(id);
			assertThat(deadLetters.count("default")).isZero();
			assertThat(client.await(id, WAIT, String.class)).isEqualTo("ok on run 2");
			TaskInfo info = client.info(id);
			assertThat(info.attempts()).isEqualTo(1);
			assertThat(info.error()).isNull();
			assertThat(deadLetters.requeue("default", letter.id())).isEmpty();
		});
	}

	@Test
	void tasksThatExhaustedTheirRetriesFailedToBindOrHaveNoHandlerAreDeadLetters() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			client.awaitCompletion(client.send("fail", "always"), WAIT);
			client.awaitCompletion(client.send("add", "x", 1), WAIT);
			client.awaitCompletion(client.send("nobody-handles-this"), WAIT);
			await().atMost(WAIT).until(() -> deadLetters.count("default") == 3);
			assertThat(deadLetters.list("default", 0, 10)).extracting(DeadLetter::errorType)
				.containsExactlyInAnyOrder(IllegalStateException.class.getName(),
						ArgumentBindingException.class.getName(), UnknownTaskException.class.getName());
			assertThat(deadLetters.list("default", 0, 10)).filteredOn((letter) -> "fail".equals(letter.name()))
				.singleElement()
				.satisfies((letter) -> assertThat(letter.attempts()).isEqualTo(2));
			assertThat(deadLetters.list("default", 1, 1)).hasSize(1);
			assertThat(deadLetters.deleteAll("default")).isEqualTo(3);
			assertThat(deadLetters.count("default")).isZero();
		});
	}

	@Test
	void retryingAllSendsTheDeadLettersOfTheMomentWhileTheyFailAgain() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			int count = 150;
			for (int i = 0; i < count; i++) {
				client.send(TaskRequest.of("fail").args("again " + i).maxRetries(0).build());
			}
			await().atMost(WAIT).until(() -> deadLetters.count("default") == count);
			assertThat(deadLetters.requeueAll("default")).isEqualTo(count);
			await().atMost(WAIT).until(() -> deadLetters.count("default") == count);
			assertThat(deadLetters.deleteAll("default")).isEqualTo(count);
			assertThat(deadLetters.count("default")).isZero();
		});
	}

	@Test
	void tasksOfEveryLaneFailingTogetherEachKeepTheirOwnDeadLetter() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			// one promotion moves them all into their lanes at once, where they get the same entry ids
			Instant due = Instant.now().plusSeconds(1);
			List<TaskRequest> requests = new ArrayList<>();
			for (int i = 0; i < 110; i++) {
				TaskRequest.Builder request = TaskRequest.of("fail").args("lane " + i).maxRetries(0).eta(due);
				int lane = i % RedisKeyspace.LANES;
				requests.add(((lane < TaskRequest.FRONT) ? request.priority(lane) : request.pushToFront()).build());
			}
			List<String> ids = client.sendAll(requests);
			for (String id : ids) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.FAILURE);
			}
			await().atMost(WAIT).untilAsserted(() -> assertThat(deadLetters.count("default")).isEqualTo(ids.size()));
			assertThat(deadLetters.list("default", 0, ids.size())).extracting(DeadLetter::taskId)
				.containsExactlyInAnyOrderElementsOf(ids);
			DeadLetter one = deadLetters.list("default", 0, 1).get(0);
			assertThat(deadLetters.find("default", one.id())).contains(one);
			assertThat(deadLetters.requeueAll("default")).isEqualTo(ids.size());
			await().atMost(WAIT).untilAsserted(() -> assertThat(deadLetters.count("default")).isEqualTo(ids.size()));
			assertThat(deadLetters.list("default", 0, ids.size())).extracting(DeadLetter::taskId)
				.containsExactlyInAnyOrderElementsOf(ids);
		});
	}

	@Test
	void deadLettersKeptBeforeTheirIdsNamedTheLaneCanStillBeReadSentAgainAndDeleted() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			RedisTemplate<byte[], byte[]> redis = bytesTemplate(context.getBean(
					org.springframework.data.redis.connection.RedisConnectionFactory.class));
			RedisKeyspace keys = new RedisKeyspace(context.getBean(GTaskProperties.class).getKeyPrefix());
			String first = client.send("nobody-handles-this", 1);
			String second = client.send("nobody-handles-this", 2);
			client.awaitCompletion(first, WAIT);
			client.awaitCompletion(second, WAIT);
			await().atMost(WAIT).until(() -> deadLetters.count("default") == 2);
			// rename both as they were named before: by the bare entry id
			for (DeadLetter letter : deadLetters.list("default", 0, 2)) {
				String old = "1700000000000-" + (letter.taskId().equals(first) ? "1" : "2");
				redis.rename(bytes(keys.deadLetter("default", letter.id())), bytes(keys.deadLetter("default", old)));
				redis.opsForZSet().remove(bytes(keys.dead("default")), bytes(letter.id()));
				redis.opsForZSet().add(bytes(keys.dead("default")), bytes(old), letter.deadAt().toEpochMilli());
			}
			List<DeadLetter> old = deadLetters.list("default", 0, 2);
			assertThat(old).extracting(DeadLetter::taskId).containsExactlyInAnyOrder(first, second);
			DeadLetter toDelete = old.get(0);
			DeadLetter toSend = old.get(1);
			assertThat(deadLetters.find("default", toDelete.id())).contains(toDelete);
			assertThat(deadLetters.delete("default", toDelete.id())).isTrue();
			assertThat(deadLetters.requeue("default", toSend.id())).contains(toSend.taskId());
			await().atMost(WAIT).until(() -> deadLetters.count("default") == 1);
			assertThat(deadLetters.list("default", 0, 1).get(0).id()).isNotEqualTo(toSend.id());
		});
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void deadLetterSentAgainTwiceAtOnceRunsOnceAndKeepsTheOutcomeOfThatRun() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			String id = client.send("failFirst", UUID.randomUUID().toString());
			client.awaitCompletion(id, WAIT);
			await().atMost(WAIT).until(() -> deadLetters.count("default") == 1);
			DeadLetter letter = deadLetters.list("default", 0, 1).get(0);
			// the second request has read the dead letter when the first sends it and its run ends
			DeadLetterStore store = context.getBean(DeadLetterStore.class);
			DeadLetterStore racing = (DeadLetterStore) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { DeadLetterStore.class }, (proxy, method, args) -> {
						Object result = method.invoke(store, args);
						if (method.getName().equals("deadLetter")) {
							assertThat(deadLetters.requeue("default", letter.id())).contains(id);
							assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
						}
						return result;
					});
			DefaultDeadLetters second = new DefaultDeadLetters(racing, context.getBean(TaskSender.class),
					context.getBean(TaskMessageCodec.class));
			assertThat(second.requeue("default", letter.id())).isEmpty();
			assertThat(client.info(id).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(client.info(id).attempts()).isEqualTo(1);
		});
	}

	@Test
	void deadLettersAreBoundedInNumber() {
		this.runner.withPropertyValues("gtask.dead-letter.max-size=3").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				ids.add(client.send("nobody-handles-this", i));
				client.awaitCompletion(ids.get(i), WAIT);
			}
			await().atMost(WAIT).until(() -> deadLetters.list("default", 0, 10).stream()
				.map(DeadLetter::taskId)
				.toList()
				.equals(List.of(ids.get(4), ids.get(3), ids.get(2))));
			assertThat(deadLetters.count("default")).isEqualTo(3);
		});
	}

	@Test
	void deadLetterCanBeDeleted() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			client.awaitCompletion(client.send("nobody-handles-this"), WAIT);
			await().atMost(WAIT).until(() -> deadLetters.count("default") == 1);
			String id = deadLetters.list("default", 0, 1).get(0).id();
			assertThat(deadLetters.delete("default", id)).isTrue();
			assertThat(deadLetters.delete("default", id)).isFalse();
			assertThat(deadLetters.find("default", id)).isEmpty();
		});
	}

	@Test
	void hostileMessagesAreDeadLetteredWithTheirBytesAndTheWorkerKeepsRunning() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			RedisTemplate<byte[], byte[]> redis = bytesTemplate(context.getBean(
					org.springframework.data.redis.connection.RedisConnectionFactory.class));
			byte[] stream = new RedisKeyspace(context.getBean(GTaskProperties.class).getKeyPrefix()).ready("default")
				.getBytes(StandardCharsets.UTF_8);
			List<byte[]> hostile = hostileMessages(new Random(42), 300);
			for (byte[] message : hostile) {
				redis.opsForStream()
					.add(StreamRecords.newRecord()
						.in(stream)
						.ofMap(Map.of("m".getBytes(StandardCharsets.UTF_8), message)));
			}
			String id = client.send("add", 40, 2);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(42);
			await().atMost(WAIT).until(() -> deadLetters.count("default") == hostile.size());
			List<DeadLetter> letters = deadLetters.list("default", 0, hostile.size());
			assertThat(letters).allSatisfy((letter) -> assertThat(letter.reason()).isNotBlank());
			assertThat(letters).extracting((letter) -> new String(letter.payload(), StandardCharsets.ISO_8859_1))
				.containsExactlyInAnyOrderElementsOf(
						hostile.stream().map((bytes) -> new String(bytes, StandardCharsets.ISO_8859_1)).toList());
			DeadLetter malformed = letters.stream()
				.filter((letter) -> letter.errorType().equals(MalformedTaskMessageException.class.getName()))
				.findFirst()
				.orElseThrow();
			assertThatExceptionOfType(MalformedTaskMessageException.class)
				.isThrownBy(() -> deadLetters.requeue("default", malformed.id()))
				.withMessageContaining("delete it instead");
			assertThat(client.await(client.send("add", 1, 1), WAIT, Integer.class)).isEqualTo(2);
		});
	}

	private static RedisTemplate<byte[], byte[]> bytesTemplate(
			org.springframework.data.redis.connection.RedisConnectionFactory factory) {
		RedisTemplate<byte[], byte[]> template = new RedisTemplate<>();
		template.setConnectionFactory(factory);
		template.setEnableDefaultSerializer(false);
		template.setKeySerializer(RedisSerializer.byteArray());
		template.setValueSerializer(RedisSerializer.byteArray());
		template.setHashKeySerializer(RedisSerializer.byteArray());
		template.setHashValueSerializer(RedisSerializer.byteArray());
		template.afterPropertiesSet();
		return template;
	}

	/**
	 * Random bytes, truncated and corrupted valid messages, wrong types, unknown versions,
	 * missing fields, huge values and class names where data belongs: none of them can run.
	 */
	static List<byte[]> hostileMessages(Random random, int count) {
		String valid = "{\"v\":1,\"id\":\"ID\",\"name\":\"add\",\"queue\":\"default\",\"args\":[1,2],\"attempt\":1,"
				+ "\"createdAt\":1795315603995}";
		List<String> templates = List.of("{\"v\":2,\"id\":\"ID\",\"name\":\"add\",\"queue\":\"default\",\"args\":[],"
				+ "\"attempt\":1,\"createdAt\":1}", valid.replace("\"args\":[1,2]", "\"args\":\"[1,2]\""),
				valid.replace("\"attempt\":1", "\"attempt\":-4"), valid.replace(",\"name\":\"add\"", ""),
				valid.replace("\"v\":1", "\"v\":\"1\""), valid.replace("[1,2]", "[{\"@class\":\"java.io.File\"},2]"),
				valid.replace("\"ID\"", "12"), valid.replace("1795315603995", "99999999999999999999999"), "null",
				"[]", "\"just a string\"", "{}");
		List<byte[]> messages = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String id = "hostile-" + i;
			byte[] message = switch (i % 5) {
				case 0 -> {
					byte[] bytes = new byte[1 + random.nextInt(200)];
					random.nextBytes(bytes);
					yield bytes;
				}
				case 1 -> {
					String text = valid.replace("ID", id);
					yield text.substring(0, 1 + random.nextInt(text.length() - 1)).getBytes(StandardCharsets.UTF_8);
				}
				case 2 -> templates.get(random.nextInt(templates.size())).replace("ID", id)
					.getBytes(StandardCharsets.UTF_8);
				case 3 -> ("{\"v\":1,\"id\":\"" + id + "\",\"name\":\"" + "x".repeat(100_000) + "\"}")
					.getBytes(StandardCharsets.UTF_8);
				default -> {
					// a raw control character is invalid anywhere in JSON, inside strings too
					byte[] bytes = valid.replace("ID", id).getBytes(StandardCharsets.UTF_8);
					bytes[random.nextInt(bytes.length)] = (byte) (1 + random.nextInt(8));
					yield bytes;
				}
			};
			messages.add(message);
		}
		return messages;
	}

}
