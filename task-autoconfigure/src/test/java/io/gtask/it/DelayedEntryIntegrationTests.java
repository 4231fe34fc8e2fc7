package io.gtask.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.broker.Promotion;
import io.gtask.broker.TaskBroker;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskLimit;
import io.gtask.core.TaskRequest;
import io.gtask.redis.RedisKeyspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Entries of the delayed set and of the waiting lists of limited tasks that cannot be moved
 * into their lane are set aside as dead letters, and the others are moved on.
 */
@ExtendWith(OutputCaptureExtension.class)
class DelayedEntryIntegrationTests {

	private final ApplicationContextRunner producer = GTaskTestSupport.runner()
		.withPropertyValues("gtask.worker.enabled=false");

	@Test
	void delayedEntriesThatCannotBePromotedAreDeadLettersAndTheOthersArePromoted(CapturedOutput output) {
		this.producer.run((context) -> {
			TaskBroker broker = context.getBean(TaskBroker.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			RedisKeyspace keys = new RedisKeyspace(context.getBean(GTaskProperties.class).getKeyPrefix());
			String delayed = keys.delayed("default");
			// a lane key of another type, and an entry due never
			redis.opsForValue().set(keys.lane("default", 7), "not a stream");
			String wrongLane = "7|{\"v\":1,\"id\":\"to-lane-7\",\"name\":\"add\",\"queue\":\"default\",\"args\":[]}";
			String never = "{\"v\":1,\"id\":\"due-never\",\"name\":\"add\",\"queue\":\"default\",\"args\":[]}";
			redis.opsForZSet().add(delayed, wrongLane, 1);
			redis.opsForZSet().add(delayed, never, Double.POSITIVE_INFINITY);
			String id = context.getBean(TaskClient.class)
				.send(TaskRequest.of("add").args(1, 2).countdown(Duration.ofMillis(10)).build());
			Instant now = Instant.now().plusSeconds(1);
			Promotion promotion = broker.promoteDue("default", now, 500);
			assertThat(promotion.moved()).isEqualTo(1);
			assertThat(promotion.nextDue()).isNull();
			assertThat(redis.opsForStream().size(keys.ready("default"))).isEqualTo(1);
			assertThat(redis.opsForZSet().size(delayed)).isZero();
			assertThat(deadLetters.list("default", 0, 10)).hasSize(2).allSatisfy((letter) -> {
				String payload = new String(letter.payload(), StandardCharsets.UTF_8);
				assertThat(payload).isIn(wrongLane, never);
				assertThat(letter.reason()).contains(payload.equals(never) ? "never due" : "WRONGTYPE");
				assertThat(letter.taskId()).isEqualTo(payload.equals(never) ? "due-never" : "to-lane-7");
			});
			assertThat(broker.promoteDue("default", now, 500).moved()).isZero();
			assertThat(output.getOut().lines().filter((line) -> line.contains("WARN")
					&& line.contains("delayed entry of queue 'default'"))).hasSize(2);
			assertThat(id).isNotNull();
		});
	}

	@Test
	void anEntryNeitherItsLaneNorTheDeadLettersCanTakeStaysWhereItIs() {
		this.producer.run((context) -> {
			TaskBroker broker = context.getBean(TaskBroker.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			RedisKeyspace keys = new RedisKeyspace(context.getBean(GTaskProperties.class).getKeyPrefix());
			String delayed = keys.delayed("default");
			redis.opsForValue().set(keys.lane("default", 7), "not a stream");
			redis.opsForValue().set(keys.dead("default"), "not a sorted set either");
			String wrongLane = "7|{\"v\":1,\"id\":\"stuck\",\"name\":\"add\",\"queue\":\"default\",\"args\":[]}";
			String good = "3|{\"v\":1,\"id\":\"fine\",\"name\":\"add\",\"queue\":\"default\",\"args\":[]}";
			redis.opsForZSet().add(delayed, wrongLane, 1);
			redis.opsForZSet().add(delayed, good, 2);
			Promotion promotion = broker.promoteDue("default", Instant.now(), 500);
			assertThat(promotion.moved()).isEqualTo(1);
			assertThat(redis.opsForZSet().range(delayed, 0, -1)).containsExactly(wrongLane);
			redis.delete(keys.dead("default"));
			broker.promoteDue("default", Instant.now(), 500);
			assertThat(redis.opsForZSet().size(delayed)).isZero();
			assertThat(context.getBean(DeadLetters.class).list("default", 0, 10)).extracting(DeadLetter::taskId)
				.containsExactly("stuck");
		});
	}

	@Test
	void aSetAsideTaskIsNoLongerTrackedNorHoldsItsUniquenessKey() {
		this.producer.run((context) -> {
			TaskBroker broker = context.getBean(TaskBroker.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			RedisKeyspace keys = new RedisKeyspace(context.getBean(GTaskProperties.class).getKeyPrefix());
			redis.opsForValue().set(keys.lane("default", 7), "not a stream");
			redis.opsForSet().add(keys.tracked("default"), "held");
			redis.opsForValue().set(keys.unique("default", "k1"), "held");
			redis.opsForZSet().add(keys.delayed("default"),
					"7|{\"v\":1,\"id\":\"held\",\"name\":\"add\",\"queue\":\"default\",\"unique\":\"k1\",\"args\":[]}", 1);
			broker.promoteDue("default", Instant.now(), 500);
			assertThat(redis.opsForSet().isMember(keys.tracked("default"), "held")).isFalse();
			assertThat(redis.hasKey(keys.unique("default", "k1"))).isFalse();
		});
	}

	@Test
	void workerWarnsOnceWhileDueTasksOfAQueueCannotBeMoved(CapturedOutput output) {
		GTaskTestSupport.runner().run((context) -> {
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			RedisKeyspace keys = new RedisKeyspace(context.getBean(GTaskProperties.class).getKeyPrefix());
			redis.opsForValue().set(keys.delayed("default"), "not a sorted set");
			String warning = "Could not move due tasks of queue 'default'";
			await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains(warning));
			// the promoter runs every 100 ms meanwhile
			await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2))
				.until(() -> output.getOut().lines().filter((line) -> line.contains(warning)).count() == 1);
			redis.delete(keys.delayed("default"));
			await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("Moving due tasks of queue 'default' again"));
		});
	}

	@Test
	void waitingEntriesThatCannotBeAdmittedAreDeadLettersAndTheOthersAreAdmitted() {
		this.producer.withPropertyValues("gtask.limits.capped.concurrency=1").run((context) -> {
			TaskBroker broker = context.getBean(TaskBroker.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			RedisKeyspace keys = new RedisKeyspace(context.getBean(GTaskProperties.class).getKeyPrefix());
			redis.opsForValue().set(keys.lane("default", 7), "not a stream");
			String wrongLane = "7|{\"v\":1,\"id\":\"to-lane-7\",\"name\":\"capped\",\"queue\":\"default\",\"args\":[]}";
			String good = "{\"v\":1,\"id\":\"to-lane-0\",\"name\":\"capped\",\"queue\":\"default\",\"args\":[]}";
			redis.opsForList().rightPushAll(keys.queuePrefix("default") + "waiting:capped", wrongLane, good);
			redis.opsForSet().add(keys.limited("default"), "capped");
			assertThat(broker.admitWaiting("default", Instant.now(), Map.of())).isEqualTo(1);
			assertThat(redis.opsForStream().size(keys.ready("default"))).isEqualTo(1);
			assertThat(deadLetters.list("default", 0, 10)).singleElement().satisfies((letter) -> {
				assertThat(new String(letter.payload(), StandardCharsets.UTF_8)).isEqualTo(wrongLane);
				assertThat(letter.reason()).contains("WRONGTYPE");
				assertThat(letter.name()).isEqualTo("capped");
			});
			assertThat(deadLetters.list("default", 0, 10)).extracting(DeadLetter::taskId).containsExactly("to-lane-7");
		});
	}

}
