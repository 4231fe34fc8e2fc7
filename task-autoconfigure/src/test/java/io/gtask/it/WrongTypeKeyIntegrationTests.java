package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gtask.actuate.GTaskHealthIndicator;
import io.gtask.autoconfigure.GTaskHealthContributorAutoConfiguration;
import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.core.KeyTypeProblem;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A key of a queue that holds a value of another Redis type (written there by something else)
 * holds up only what needs it: the other lanes and queues keep working, the health indicator
 * names the key and its type, the log says so once, and a send that needs the key fails naming
 * it.
 */
@ExtendWith(OutputCaptureExtension.class)
class WrongTypeKeyIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withConfiguration(AutoConfigurations.of(GTaskHealthContributorAutoConfiguration.class))
		.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class);

	@Test
	void aLaneOfTheWrongTypeHoldsUpOnlyItselfAndIsReportedOnce(CapturedOutput output) {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String lane7 = queueKey(context.getBean(GTaskProperties.class), "default") + ":ready:7";
			redis.opsForValue().set(lane7, "not a stream");
			List<String> ids = new ArrayList<>();
			for (int priority : new int[] { 0, 3, 6, 8, 9 }) {
				ids.add(client.send(TaskRequest.of("add").args(priority, 1).priority(priority).build()));
			}
			ids.add(client.send(TaskRequest.of("add").args(10, 1).pushToFront().build()));
			for (String id : ids) {
				assertThat(client.await(id, WAIT, Integer.class)).isPositive();
			}
			assertThatExceptionOfType(TaskSendException.class)
				.isThrownBy(() -> client.send(TaskRequest.of("add").args(7, 1).priority(7).build()))
				.withMessageContaining(lane7)
				.withMessageContaining("string")
				.withMessageContaining("nothing was queued");
			Health health = context.getBean(GTaskHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat((Map<String, Object>) health.getDetails().get("brokenKeys")).containsOnlyKeys(lane7)
				.hasEntrySatisfying(lane7, (type) -> assertThat(type.toString()).contains("string").contains("stream"));
			// the fetcher keeps meeting the key; the log says so once
			String id = client.send("add", 20, 2);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(22);
			assertThat(occurrences(output.getAll(), "Key '" + lane7 + "' of queue 'default' holds a string"))
				.isEqualTo(1);
			redis.delete(lane7);
			String seven = client.send(TaskRequest.of("add").args(7, 1).priority(7).build());
			assertThat(client.await(seven, WAIT, Integer.class)).isEqualTo(8);
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(context.getBean(GTaskHealthIndicator.class).health().getStatus())
					.isEqualTo(Status.UP));
		});
	}

	@Test
	void aRevokedSetOfTheWrongTypeStopsNothing() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String revoked = queueKey(context.getBean(GTaskProperties.class), "default") + ":revoked";
			redis.opsForList().rightPush(revoked, "not a sorted set");
			String id = client.send("add", 2, 3);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(5);
			assertThat(context.getBean(TaskQueues.class).keyProblems("default")).extracting(KeyTypeProblem::key)
				.containsExactly(revoked);
		});
	}

	@Test
	void aCountdownSendToADelayedSetOfTheWrongTypeNamesTheKeyAndOtherSendsWork() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String delayed = queueKey(context.getBean(GTaskProperties.class), "default") + ":delayed";
			redis.opsForHash().put(delayed, "a", "b");
			assertThatExceptionOfType(TaskSendException.class)
				.isThrownBy(() -> client
					.send(TaskRequest.of("add").args(1, 1).countdown(Duration.ofMillis(100)).build()))
				.withMessageContaining(delayed)
				.withMessageContaining("hash")
				.withMessageContaining("nothing was queued")
				.withMessageNotContaining("unavailable");
			String id = client.send("add", 2, 3);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(5);
		});
	}

	@Test
	void aUniqueSendWhoseKeyHoldsAnotherTypeNamesTheKey() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String unique = queueKey(context.getBean(GTaskProperties.class), "default") + ":unique:report-1";
			redis.opsForList().rightPush(unique, "not a string");
			assertThatExceptionOfType(TaskSendException.class)
				.isThrownBy(() -> client.send(
						TaskRequest.of("add").args(1, 1).uniqueKey("report-1", Duration.ofMinutes(1)).build()))
				.withMessageContaining(unique)
				.withMessageContaining("list")
				.withMessageContaining("nothing was queued");
		});
	}

	@Test
	void aQueueOfOtherTasksIsUntouchedByAnotherQueuesBrokenLane() {
		this.runner.withPropertyValues("gtask.worker.queues=default,other").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			redis.opsForValue().set(queueKey(context.getBean(GTaskProperties.class), "other") + ":ready", "x");
			String id = client.send("add", 4, 4);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(8);
		});
	}

	private static String queueKey(GTaskProperties properties, String queue) {
		return properties.getKeyPrefix() + ":{" + queue + "}";
	}

	private static int occurrences(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
			count++;
		}
		return count;
	}

}
