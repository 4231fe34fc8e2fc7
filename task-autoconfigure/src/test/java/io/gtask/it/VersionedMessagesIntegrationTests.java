package io.gtask.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import io.gtask.core.TaskUpcaster;
import io.gtask.core.TaskVersionException;
import io.gtask.worker.TaskContainer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling deploy: two versions of one application share one Redis and one key prefix while
 * the arguments of a task change between them. The old version takes a full name, the new one
 * a first and a last name, with an upcaster from the old arguments to the new.
 */
class VersionedMessagesIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final String prefix = "gtask-test-ver-" + UUID.randomUUID().toString().substring(0, 8);

	private ApplicationContextRunner oldVersion() {
		return GTaskTestSupport.runner()
			.withUserConfiguration(GreeterV1Configuration.class)
			.withPropertyValues(shared());
	}

	private ApplicationContextRunner newVersion() {
		return GTaskTestSupport.runner()
			.withUserConfiguration(GreeterV2Configuration.class)
			.withPropertyValues(shared());
	}

	private String[] shared() {
		return new String[] { "gtask.key-prefix=" + this.prefix, "gtask.worker.promote-interval=100ms",
				"gtask.versions.future-hand-back-delay=300ms" };
	}

	@Test
	void messagesSentByTheOldVersionAreUpcastAndRunByTheNewOne() {
		oldVersion().withPropertyValues("gtask.worker.enabled=false").run((old) -> newVersion().run((current) -> {
			TaskClient oldClient = old.getBean(TaskClient.class);
			String first = oldClient.send("greet", "Ada Lovelace");
			String second = oldClient.send("greet", "Alan Turing");
			assertThat(oldClient.await(first, WAIT, String.class)).isEqualTo("v2 Ada/Lovelace");
			assertThat(oldClient.await(second, WAIT, String.class)).isEqualTo("v2 Alan/Turing");
		}));
	}

	@Test
	void messagesOfTheNewVersionAreHandedBackByOldWorkersAndRunOnceANewWorkerStarts() {
		oldVersion().run((old) -> newVersion().withPropertyValues("gtask.worker.auto-startup=false")
			.run((current) -> {
				TaskClient client = current.getBean(TaskClient.class);
				String id = client.send("greet", "Grace", "Hopper");
				StringRedisTemplate redis = old.getBean(StringRedisTemplate.class);
				// the old worker read it and put it aside for a while, without running or failing it
				await().atMost(WAIT).until(() -> isDelayed(redis, id));
				assertThat(client.status(id)).isEqualTo(TaskStatus.PENDING);
				assertThat(old.getBean(GreeterV1.class).calls).isEmpty();
				current.getBean(TaskContainer.class).start();
				assertThat(client.await(id, WAIT, String.class)).isEqualTo("v2 Grace/Hopper");
				assertThat(old.getBean(GreeterV1.class).calls).isEmpty();
				TaskInfo info = client.info(id);
				assertThat(info.attempts()).isEqualTo(1);
			}));
	}

	@Test
	void aMessageOfTheNewVersionFailsOnceNoNewWorkerTookItWithinTheWindow() {
		oldVersion().withPropertyValues("gtask.versions.future-hand-back-window=2s")
			.run((old) -> newVersion().withPropertyValues("gtask.worker.enabled=false").run((current) -> {
				TaskClient client = current.getBean(TaskClient.class);
				String id = client.send("greet", "Grace", "Hopper");
				TaskInfo info = client.awaitCompletion(id, WAIT);
				assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
				assertThat(info.error().type()).isEqualTo(TaskVersionException.class.getName());
				assertThat(info.error().message()).contains("greet")
					.contains(id)
					.contains("version 2")
					.contains("version 1")
					.contains("gtask.versions.future-hand-back-window");
				assertThat(old.getBean(GreeterV1.class).calls).isEmpty();
				DeadLetters deadLetters = current.getBean(DeadLetters.class);
				// the outcome is recorded before the delivery is settled as a dead letter
				DeadLetter letter = await().atMost(WAIT)
					.until(() -> deadLetters.list("default", 0, 10)
						.stream()
						.filter((candidate) -> id.equals(candidate.taskId()))
						.findFirst(), java.util.Optional::isPresent)
					.orElseThrow();
				assertThat(letter.reason()).contains("gtask.versions.future-hand-back-window");
				// sent again, it waits a window of its own before it fails again
				deadLetters.requeue("default", letter.id());
				await().atMost(WAIT).until(() -> isDelayed(current.getBean(StringRedisTemplate.class), id));
				assertThat(client.status(id)).isEqualTo(TaskStatus.PENDING);
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.FAILURE);
				String oldTask = old.getBean(TaskClient.class).send("greet", "Ada Lovelace");
				assertThat(client.await(oldTask, WAIT, String.class)).isEqualTo("v1 Ada Lovelace");
			}));
	}

	@Test
	void anUpcasterThatThrowsFailsTheTaskNamingTheVersions() {
		oldVersion().withPropertyValues("gtask.worker.enabled=false").run((old) -> newVersion().run((current) -> {
			TaskClient client = old.getBean(TaskClient.class);
			String id = client.send("greet", "Plato");
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().type()).isEqualTo(TaskVersionException.class.getName());
			assertThat(info.error().message()).contains("greet")
				.contains("from version 1 to version 2")
				.contains("no last name in 'Plato'");
			String next = client.send("greet", "Ada Lovelace");
			assertThat(client.await(next, WAIT, String.class)).isEqualTo("v2 Ada/Lovelace");
		}));
	}

	@Test
	void aVersionHeaderThatIsNotANumberFailsTheTaskAndTheQueueGoesOn() {
		newVersion().run((current) -> {
			TaskClient client = current.getBean(TaskClient.class);
			StringRedisTemplate redis = current.getBean(StringRedisTemplate.class);
			String stream = current.getBean(GTaskProperties.class).getKeyPrefix() + ":{default}:ready";
			redis.opsForStream().add(stream, Map.of("m", "{\"v\":1,\"id\":\"garbage-version-1\",\"name\":\"greet\","
					+ "\"queue\":\"default\",\"args\":[\"Ada\",\"Lovelace\"],\"attempt\":1,\"createdAt\":"
					+ System.currentTimeMillis() + ",\"headers\":{\"gtask-version\":\"two\"}}"));
			String next = client.send("greet", "Alan", "Turing");
			assertThat(client.await(next, WAIT, String.class)).isEqualTo("v2 Alan/Turing");
			await().atMost(WAIT).until(() -> client.find("garbage-version-1").isPresent());
			TaskInfo info = client.awaitCompletion("garbage-version-1", WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().type()).isEqualTo(TaskVersionException.class.getName());
			assertThat(info.error().message()).contains("gtask-version").contains("'two'");
		});
	}

	@Test
	void aSenderWithoutTheHandlerStampsTheConfiguredVersion() {
		GTaskTestSupport.runner()
			.withPropertyValues(shared())
			.withPropertyValues("gtask.worker.enabled=false", "gtask.versions.tasks.greet=2")
			.run((producer) -> newVersion().run((current) -> {
				TaskClient client = producer.getBean(TaskClient.class);
				String id = client.send("greet", "Grace", "Hopper");
				assertThat(client.await(id, WAIT, String.class)).isEqualTo("v2 Grace/Hopper");
			}));
	}

	@Test
	void theNewVersionCanKeepSendingTheOldVersionUntilEveryWorkerIsNew() {
		oldVersion().run((old) -> newVersion()
			.withPropertyValues("gtask.worker.enabled=false", "gtask.versions.tasks.greet=1")
			.run((current) -> {
				TaskClient client = current.getBean(TaskClient.class);
				String id = client.send("greet", "Ada Lovelace");
				assertThat(client.await(id, WAIT, String.class)).isEqualTo("v1 Ada Lovelace");
			}));
	}

	private boolean isDelayed(StringRedisTemplate redis, String id) {
		Set<String> members = redis.opsForZSet().range(this.prefix + ":{default}:delayed", 0, -1);
		return members != null && members.stream().anyMatch((member) -> member.contains(id));
	}

	/**
	 * The handler of the old version.
	 */
	public static class GreeterV1 {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@TaskHandler("greet")
		public String greet(String name) {
			this.calls.add(name);
			return "v1 " + name;
		}

	}

	/**
	 * The handler of the new version.
	 */
	public static class GreeterV2 {

		@TaskHandler(value = "greet", version = 2)
		public String greet(String first, String last) {
			return "v2 " + first + "/" + last;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GreeterV1Configuration {

		@Bean
		GreeterV1 greeterV1() {
			return new GreeterV1();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GreeterV2Configuration {

		@Bean
		GreeterV2 greeterV2() {
			return new GreeterV2();
		}

		@Bean
		TaskUpcaster greetFromVersion1() {
			return TaskUpcaster.of("greet", 1, (args) -> {
				String name = args.get(0).asString();
				int space = name.indexOf(' ');
				if (space < 0) {
					throw new IllegalArgumentException("no last name in '" + name + "'");
				}
				ArrayNode upcast = JsonNodeFactory.instance.arrayNode();
				upcast.add(name.substring(0, space));
				upcast.add(name.substring(space + 1));
				return upcast;
			});
		}

	}

}
