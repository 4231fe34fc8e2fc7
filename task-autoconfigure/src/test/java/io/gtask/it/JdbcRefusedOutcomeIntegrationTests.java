package io.gtask.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.gtask.autoconfigure.GTaskJdbcBackendAutoConfiguration;
import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.backend.jdbc.TestDatabase;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A task whose outcome the database refuses (an id or queue read from Redis that is longer than
 * its column) ends alone, as a FAILURE or a dead letter naming the reason, and the outcomes of
 * every other task are still written. One subclass per database.
 */
abstract class JdbcRefusedOutcomeIntegrationTests {

	static final Duration WAIT = Duration.ofSeconds(15);

	/**
	 * The database of the test class.
	 * @return the database
	 */
	abstract TestDatabase database();

	ApplicationContextRunner runner() {
		return GTaskTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(GTaskJdbcBackendAutoConfiguration.class))
			.withBean(DataSource.class, () -> new DelegatingDataSource(database().dataSource()))
			.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
			.withPropertyValues("gtask.backend.type=jdbc", "gtask.result.poll-interval=100ms",
					"gtask.backend.jdbc.table-prefix=" + database().tablePrefix(),
					"gtask.backend.jdbc.initialize-schema=never",
					"gtask.backend.jdbc.platform=" + database().platform().name().toLowerCase(java.util.Locale.ROOT));
	}

	@Test
	void idLongerThanItsColumnEndsAsADeadLetterAndLaterTasksSucceed() {
		runner().run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			String longId = "i".repeat(250);
			inject(context, RefusedOutcomeIntegrationTests.message(longId, "default"));
			assertLaterTasksSucceed(client);
			await().atMost(WAIT).until(() -> deadLetters.count("default") == 1);
			DeadLetter letter = deadLetters.list("default", 0, 10).get(0);
			assertThat(new String(letter.payload(), StandardCharsets.UTF_8)).contains(longId);
			assertThat(letter.reason()).isNotBlank();
		});
	}

	@Test
	void queueLongerThanItsColumnEndsThatTaskAsFailureAndLaterTasksSucceed() {
		runner().run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			inject(context, RefusedOutcomeIntegrationTests.message("long-queue-1", "q".repeat(150)));
			assertLaterTasksSucceed(client);
			await().atMost(WAIT).until(() -> client.find("long-queue-1").isPresent());
			TaskInfo info = client.awaitCompletion("long-queue-1", WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.queue()).isEqualTo("default");
			assertThat(info.error().message()).isNotBlank();
		});
	}

	static void assertLaterTasksSucceed(TaskClient client) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			ids.add(client.send("add", i, 1));
		}
		for (int i = 0; i < ids.size(); i++) {
			assertThat(client.await(ids.get(i), WAIT, Integer.class)).isEqualTo(i + 1);
		}
	}

	static void inject(org.springframework.context.ApplicationContext context, String message) {
		String stream = context.getBean(GTaskProperties.class).getKeyPrefix() + ":{default}:ready";
		context.getBean(StringRedisTemplate.class).opsForStream().add(stream, Map.of("m", message));
	}

}
