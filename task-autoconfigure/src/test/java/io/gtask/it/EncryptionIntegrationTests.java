package io.gtask.it;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.gtask.autoconfigure.GTaskEncryptionAutoConfiguration;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.core.UndecryptableTaskMessageException;
import io.gtask.crypto.KeyProvider;
import io.gtask.redis.RedisKeyspace;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

import static io.gtask.core.TaskFlow.chain;
import static io.gtask.core.TaskFlow.chord;
import static io.gtask.core.TaskFlow.group;
import static io.gtask.core.TaskFlow.task;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tasks whose arguments and results are encrypted, run by a real container on the test Redis,
 * whose keys are read raw to show that they hold ciphertext only.
 */
class EncryptionIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String KEY_A = key();

	private static final String KEY_B = key();

	private final String prefix = "gtask-test-enc-" + UUID.randomUUID().toString().substring(0, 8);

	@Test
	void argumentsAndResultsAreCiphertextInRedisAndPlainToTheClient() {
		String secret = "secret-" + UUID.randomUUID();
		String[] ids = new String[2];
		runner(false, "a", "a").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			ids[0] = client.send("greet", secret);
			ids[1] = client.send(TaskRequest.of("greet").args(secret).countdown(Duration.ofMillis(300)).build());
			String raw = dump(context.getBean(StringRedisTemplate.class));
			assertThat(raw).doesNotContain(secret).contains("gtask:enc:v1:a:");
			assertThat(raw).contains("greet").contains(ids[0]).contains(ids[1]);
		});
		runner(true, "a", "a").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThat(client.await(ids[0], WAIT, String.class)).isEqualTo("hello " + secret);
			assertThat(client.await(ids[1], WAIT, String.class)).isEqualTo("hello " + secret);
			TaskInfo info = client.info(ids[0]);
			assertThat(info.result()).isEqualTo("\"hello " + secret + "\"");
			assertThat(info.args()).isEqualTo("[\"" + secret + "\"]");
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String result = (String) redis.opsForHash().get(new RedisKeyspace(this.prefix).task(ids[0]), "result");
			assertThat(result).startsWith("gtask:enc:v1:a:");
			assertThat(dump(redis)).doesNotContain(secret);
		});
	}

	@Test
	void rotatedKeysKeepOldTasksRunningAndARemovedKeyFailsItsTasksByName() {
		String[] ids = new String[3];
		runner(false, "a", "a").run((context) -> ids[0] = context.getBean(TaskClient.class).send("greet", "first"));
		runner(true, "b", "a", "b").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThat(client.await(ids[0], WAIT, String.class)).isEqualTo("hello first");
			ids[1] = client.send("greet", "second");
			assertThat(client.await(ids[1], WAIT, String.class)).isEqualTo("hello second");
			String result = (String) context.getBean(StringRedisTemplate.class)
				.opsForHash()
				.get(new RedisKeyspace(this.prefix).task(ids[1]), "result");
			assertThat(result).startsWith("gtask:enc:v1:b:");
		});
		runner(false, "a", "a").run((context) -> ids[2] = context.getBean(TaskClient.class).send("greet", "third"));
		runner(true, "b", "b").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskInfo failed = client.awaitCompletion(ids[2], WAIT);
			assertThat(failed.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(failed.error().type()).isEqualTo(UndecryptableTaskMessageException.class.getName());
			assertThat(failed.error().message()).contains(ids[2]).contains("key 'a' is not configured");
			assertThat(failed.name()).isEqualTo("greet");
			// the copy of its arguments the record keeps was encrypted with the removed key
			assertThat(failed.args()).isNull();
			// the outcome is recorded before the delivery is settled as a dead letter
			List<DeadLetter> letters = org.awaitility.Awaitility.await()
				.atMost(WAIT)
				.until(() -> context.getBean(DeadLetters.class).list("default", 0, 10), (found) -> !found.isEmpty());
			assertThat(letters).singleElement().satisfies((letter) -> {
				assertThat(letter.taskId()).isEqualTo(ids[2]);
				assertThat(letter.reason()).contains("key 'a' is not configured");
			});
			String next = client.send("greet", "fourth");
			assertThat(client.await(next, WAIT, String.class)).isEqualTo("hello fourth");
			assertThat(client.await(ids[1], WAIT, String.class)).isEqualTo("hello second");
		});
	}

	@Test
	void workerWithoutEncryptionFailsEncryptedTasksSayingSoAndRunsPlainOnes() {
		String[] ids = new String[1];
		runner(false, "a", "a").run((context) -> ids[0] = context.getBean(TaskClient.class).send("greet", "hidden"));
		GTaskTestSupport.runner()
			.withUserConfiguration(HandlersConfiguration.class)
			.withPropertyValues("gtask.key-prefix=" + this.prefix)
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				TaskInfo failed = client.awaitCompletion(ids[0], WAIT);
				assertThat(failed.status()).isEqualTo(TaskStatus.FAILURE);
				assertThat(failed.error().message()).contains(ids[0]).contains("gtask.encryption.enabled");
				assertThat(failed.args()).isNull();
				String plain = client.send("greet", "plain");
				assertThat(client.await(plain, WAIT, String.class)).isEqualTo("hello plain");
			});
	}

	@Test
	void deadLetterOfARemovedKeyRunsOnceTheKeyIsBack() {
		String[] ids = new String[1];
		runner(false, "a", "a").run((context) -> ids[0] = context.getBean(TaskClient.class).send("greet", "back"));
		runner(true, "b", "b").run((context) -> assertThat(
				context.getBean(TaskClient.class).awaitCompletion(ids[0], WAIT).status()).isEqualTo(TaskStatus.FAILURE));
		runner(true, "b", "a", "b").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			DeadLetter letter = org.awaitility.Awaitility.await()
				.atMost(WAIT)
				.until(() -> deadLetters.list("default", 0, 10), (found) -> !found.isEmpty())
				.get(0);
			assertThat(deadLetters.requeue("default", letter.id())).contains(ids[0]);
			org.awaitility.Awaitility.await()
				.atMost(WAIT)
				.until(() -> client.info(ids[0]).status() == TaskStatus.SUCCESS);
			assertThat(client.result(ids[0], String.class)).isEqualTo("hello back");
		});
	}

	@Test
	void tamperedArgumentsFailTheirTaskWithTheReasonWhileTheQueueRuns() {
		String[] ids = new String[1];
		runner(false, "a", "a").run((context) -> {
			ids[0] = context.getBean(TaskClient.class).send("greet", "tampered");
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String stream = this.prefix + ":{default}:ready";
			List<MapRecord<String, Object, Object>> entries = redis.opsForStream().range(stream, Range.unbounded());
			assertThat(entries).hasSize(1);
			String message = (String) entries.get(0).getValue().get("m");
			int at = message.indexOf("gtask:enc:v1:a:") + 30;
			String altered = message.substring(0, at) + ((message.charAt(at) == 'x') ? 'y' : 'x')
					+ message.substring(at + 1);
			redis.opsForStream().delete(stream, entries.get(0).getId());
			redis.opsForStream().add(StreamRecords.newRecord().in(stream).ofMap(Map.of("m", altered)));
		});
		runner(true, "a", "a").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskInfo failed = client.awaitCompletion(ids[0], WAIT);
			assertThat(failed.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(failed.error().message()).contains(ids[0]).contains("authentication failed");
			assertThat(failed.args()).isEqualTo("[\"tampered\"]");
			// the dead letter is written when the delivery is settled, after the outcome
			org.awaitility.Awaitility.await().atMost(WAIT).until(() -> context.getBean(DeadLetters.class).count("default") == 1);
			String next = client.send("greet", "after");
			assertThat(client.await(next, WAIT, String.class)).isEqualTo("hello after");
		});
	}

	@Test
	void flowsPassDecryptedResultsOnAndKeepTheirOwnResultEncrypted() {
		runner(true, "a", "a").withUserConfiguration(WorkflowIntegrationTests.HandlersConfiguration.class)
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				String chain = client.flows().start(chain(task("wf.add", 1, 2), task("wf.add", 10), task("wf.add", 100)));
				assertThat(client.await(chain, WAIT, Integer.class)).isEqualTo(113);
				String chord = client.flows()
					.start(chord(group(task("wf.add", 1, 1), task("wf.add", 2, 2), task("wf.add", 3, 3)), task("wf.sum")));
				assertThat(client.await(chord, WAIT, Integer.class)).isEqualTo(12);
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				for (String id : List.of(chain, chord)) {
					String result = (String) redis.opsForHash().get(new RedisKeyspace(this.prefix).task(id), "result");
					assertThat(result).startsWith("gtask:enc:v1:a:");
				}
			});
	}

	@Test
	void flowsKeepTheArgumentsAndResultsOfTheirStepsEncryptedWhileTheyRun() {
		String secret = "secret-" + UUID.randomUUID();
		runner(true, "a", "a").withUserConfiguration(WorkflowIntegrationTests.HandlersConfiguration.class)
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				String id = client.flows()
					.start(chain(task("wf.echo", secret + "-1", 300), task("wf.echo", 300),
							task("wf.echo", secret + "-3", 0).immutable()));
				org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
					assertThat(dump(redis)).doesNotContain(secret);
					return client.find(id).map((info) -> info.status().isFinished()).orElse(false);
				});
				assertThat(client.await(id, WAIT, String.class)).isEqualTo(secret + "-3");
				assertThat(dump(redis)).doesNotContain(secret);
			});
	}

	@Test
	void applicationsKeyProviderEncryptsAndDecrypts() {
		SecretKey key = new SecretKeySpec(Base64.getDecoder().decode(KEY_B), "AES");
		GTaskTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(GTaskEncryptionAutoConfiguration.class))
			.withUserConfiguration(HandlersConfiguration.class)
			.withPropertyValues("gtask.key-prefix=" + this.prefix, "gtask.encryption.enabled=true")
			.withBean(KeyProvider.class, () -> new KeyProvider() {

				@Override
				public String getCurrentKeyId() {
					return "vault-7";
				}

				@Override
				public SecretKey getKey(String keyId) {
					return "vault-7".equals(keyId) ? key : null;
				}

			})
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				String id = client.send("greet", "from the vault");
				assertThat(client.await(id, WAIT, String.class)).isEqualTo("hello from the vault");
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				String result = (String) redis.opsForHash().get(new RedisKeyspace(this.prefix).task(id), "result");
				assertThat(result).startsWith("gtask:enc:v1:vault-7:");
				assertThat(dump(redis)).doesNotContain("from the vault");
			});
	}

	@Test
	void progressDetailIsCiphertextInRedisAndPlainToTheClient() {
		String secret = "secret-" + UUID.randomUUID();
		runner(true, "a", "a").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("report", secret);
			assertThat(client.await(id, WAIT, String.class)).isEqualTo("reported");
			org.awaitility.Awaitility.await().atMost(WAIT).until(() -> client.info(id).progress() != null);
			assertThat(client.info(id).progress().detail()).isEqualTo("{\"card\":\"" + secret + "\"}");
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			assertThat(redis.opsForValue().get(new RedisKeyspace(this.prefix).progress(id))).contains("gtask:enc:v1:a:")
				.contains("done")
				.doesNotContain(secret);
		});
	}

	private ApplicationContextRunner runner(boolean worker, String current, String... keys) {
		ApplicationContextRunner runner = GTaskTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(GTaskEncryptionAutoConfiguration.class))
			.withUserConfiguration(HandlersConfiguration.class)
			.withPropertyValues("gtask.key-prefix=" + this.prefix, "gtask.worker.enabled=" + worker,
					"gtask.encryption.enabled=true", "gtask.encryption.current-key=" + current);
		for (String key : keys) {
			runner = runner.withPropertyValues("gtask.encryption.keys." + key + "=" + ("a".equals(key) ? KEY_A : KEY_B));
		}
		return runner;
	}

	/**
	 * Everything gtask keeps under the test's prefix, as an operator reading Redis would see it.
	 */
	private String dump(StringRedisTemplate redis) {
		StringBuilder all = new StringBuilder();
		for (String key : redis.keys(this.prefix + "*")) {
			DataType type = redis.type(key);
			all.append(key).append('=');
			switch (type) {
				case HASH -> all.append(redis.opsForHash().entries(key));
				case STREAM -> redis.opsForStream().range(key, Range.unbounded()).forEach((r) -> all.append(r.getValue()));
				case ZSET -> all.append(redis.opsForZSet().range(key, 0, -1));
				case STRING -> all.append(redis.opsForValue().get(key));
				case LIST -> all.append(redis.opsForList().range(key, 0, -1));
				case SET -> all.append(redis.opsForSet().members(key));
				default -> all.append(type);
			}
			all.append('\n');
		}
		return all.toString();
	}

	private static String key() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	static class SecretHandlers {

		@TaskHandler("greet")
		String greet(String name) {
			return "hello " + name;
		}

		@TaskHandler("report")
		String report(TaskContext context, String secret) {
			context.progress(1.0, "done", Map.of("card", secret));
			return "reported";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HandlersConfiguration {

		@Bean
		SecretHandlers secretHandlers() {
			return new SecretHandlers();
		}

	}

}
