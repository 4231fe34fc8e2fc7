package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A task whose outcome the Redis result backend refuses ends alone, as a dead letter naming the
 * refusal, and the outcomes of every other task are still written.
 */
class RefusedOutcomeIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class);

	@Test
	void taskWhoseStateKeyHasTheWrongTypeIsDeadLetteredAndLaterTasksSucceed() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String prefix = context.getBean(GTaskProperties.class).getKeyPrefix();
			redis.opsForList().leftPush(prefix + ":task:wrongtype-1", "not a task");
			redis.opsForStream().add(prefix + ":{default}:ready", Map.of("m", message("wrongtype-1", "default")));
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				ids.add(client.send("add", i, 1));
			}
			for (int i = 0; i < ids.size(); i++) {
				assertThat(client.await(ids.get(i), WAIT, Integer.class)).isEqualTo(i + 1);
			}
			await().atMost(WAIT).until(() -> deadLetters.count("default") == 1);
			DeadLetter letter = deadLetters.list("default", 0, 10).get(0);
			assertThat(letter.taskId()).isEqualTo("wrongtype-1");
			assertThat(letter.reason()).contains("WRONGTYPE");
			assertThat(redis.type(prefix + ":task:wrongtype-1").code()).isEqualTo("list");
			String later = client.send("add", 40, 2);
			assertThat(client.awaitCompletion(later, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
		});
	}

	static String message(String id, String queue) {
		return "{\"v\":1,\"id\":\"" + id + "\",\"name\":\"add\",\"queue\":\"" + queue
				+ "\",\"args\":[1,2],\"attempt\":1,\"createdAt\":" + System.currentTimeMillis() + "}";
	}

}
