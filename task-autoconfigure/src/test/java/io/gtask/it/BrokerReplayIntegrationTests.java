package io.gtask.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.broker.DeadLetterStore;
import io.gtask.broker.Delivery;
import io.gtask.broker.OutgoingTask;
import io.gtask.broker.QueueAdmin;
import io.gtask.broker.Settlement;
import io.gtask.broker.TaskBroker;
import io.gtask.broker.redis.RedisBrokerContext;
import io.gtask.broker.redis.RedisTaskBroker;
import io.gtask.core.DeadLetter;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What the broker writes for a task happens once: a settlement or hand-back sent again (after a
 * timeout whose command did reach Redis) finds the delivery settled and does nothing, and a
 * task is tracked only when its message is queued.
 */
class BrokerReplayIntegrationTests {

	private static final String QUEUE = "default";

	private final ApplicationContextRunner producer = GTaskTestSupport.runner()
		.withPropertyValues("gtask.worker.enabled=false");

	@Test
	void retryReplayedAfterItWasPromotedIsNotScheduledAgain() {
		run((broker, admin, store, redis, keys) -> {
			Delivery delivery = queueAndFetch(broker, 3);
			Settlement retry = Settlement.retryLater(delivery, bytes("{\"retry\":1}"), Instant.now().minusMillis(1));
			broker.settle(List.of(retry));
			assertThat(broker.promoteDue(QUEUE, Instant.now(), 10).moved()).isEqualTo(1);
			broker.settle(List.of(retry));
			assertThat(redis.opsForZSet().size(keys.delayed(QUEUE))).isZero();
			assertThat(redis.opsForStream().size(keys.lane(QUEUE, 3))).isEqualTo(1);
		});
	}

	@Test
	void deadLetterReplayedAfterItWasDeletedIsNotKeptAgain() {
		run((broker, admin, store, redis, keys) -> {
			Delivery delivery = queueAndFetch(broker, 5);
			DeadLetter letter = new DeadLetter(delivery.deliveryId(), QUEUE, "task-1", "fail", "failed", null, 1, 1,
					Instant.now(), delivery.payload());
			broker.settle(List.of(Settlement.deadLetter(delivery, letter)));
			List<DeadLetter> kept = store.deadLetters(QUEUE, 0, 10);
			assertThat(kept).hasSize(1);
			assertThat(store.removeDeadLetter(QUEUE, kept.get(0).id(), null)).isTrue();
			broker.settle(List.of(Settlement.deadLetter(delivery, letter)));
			assertThat(store.deadLetterCount(QUEUE)).isZero();
		});
	}

	@Test
	void deferReplayedPutsOneCopyInTheWaitingList() {
		run((broker, admin, store, redis, keys) -> {
			Delivery fetched = queueAndFetch(broker, 2);
			Delivery delivery = new Delivery(QUEUE, fetched.priority(), fetched.deliveryId(), fetched.payload(),
					fetched.deliveryCount(), "capped");
			broker.defer(List.of(delivery));
			broker.defer(List.of(delivery));
			assertThat(redis.opsForList().size(keys.queuePrefix(QUEUE) + "waiting:capped")).isEqualTo(1);
		});
	}

	@Test
	void handBackReplayedPutsOneCopyBack() {
		run((broker, admin, store, redis, keys) -> {
			Delivery delivery = queueAndFetch(broker, 0);
			broker.handBack(List.of(delivery));
			broker.handBack(List.of(delivery));
			assertThat(redis.opsForStream().size(keys.lane(QUEUE, 0))).isEqualTo(1);
			assertThat(broker.consumer(QUEUE, "second").fetch(10)).hasSize(1);
		});
	}

	@Test
	void revokedIdEndsWithTheMessageItWasMeantFor() {
		run((broker, admin, store, redis, keys) -> {
			Delivery running = queueAndFetch(broker, 0);
			String taskId = new String(running.payload(), StandardCharsets.UTF_8).replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
			// revoked while it runs: the running task is cancelled, and then acknowledged
			admin.revoke(QUEUE, taskId, Instant.now());
			broker.settle(List.of(Settlement.acknowledge(running)));
			assertThat(redis.opsForZSet().size(keys.revoked(QUEUE))).isZero();
			broker.enqueue(List.of(new OutgoingTask(QUEUE, taskId, running.payload(), null))).join();
			assertThat(broker.consumer(QUEUE, "first").fetch(10)).hasSize(1);
		});
	}

	@Test
	void revokedIdEndsWithTheDeadLetterOfTheMessageItWasMeantFor() {
		run((broker, admin, store, redis, keys) -> {
			Delivery running = queueAndFetch(broker, 6);
			admin.revoke(QUEUE, "task-1", Instant.now());
			DeadLetter letter = new DeadLetter(running.deliveryId(), QUEUE, "task-1", "fail", "failed", null, 1, 1,
					Instant.now(), running.payload());
			broker.settle(List.of(Settlement.deadLetter(running, letter)));
			assertThat(store.deadLetterCount(QUEUE)).isEqualTo(1);
			assertThat(redis.opsForZSet().size(keys.revoked(QUEUE))).isZero();
		});
	}

	@Test
	void taskIsTrackedOnlyWhenItsMessageIsQueued() {
		this.producer.run((context) -> {
			RedisBrokerContext shared = context.getBean(RedisBrokerContext.class);
			RedisAsync async = new RedisAsync(context.getBean(LettuceConnectionFactory.class), Duration.ofSeconds(5));
			TaskBroker broker = new RedisTaskBroker(
					new RedisBrokerContext(async, shared.getKeyspace(), shared.getSettings().withTracking(true)));
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			RedisKeyspace keys = shared.getKeyspace();
			redis.opsForValue().set(keys.lane(QUEUE, 4), "not a stream");
			OutgoingTask refused = new OutgoingTask(QUEUE, "refused", bytes("{}"), null, 4, null, null);
			assertThatException().isThrownBy(() -> broker.enqueue(List.of(refused)).join());
			OutgoingTask queued = new OutgoingTask(QUEUE, "queued", bytes("{}"), null, 1, null, null);
			OutgoingTask delayed = new OutgoingTask(QUEUE, "delayed", bytes("{}"), Instant.now().plusSeconds(60), 4,
					null, null);
			OutgoingTask unique = new OutgoingTask(QUEUE, "unique", bytes("{}"), null, 2, "key",
					Duration.ofMinutes(1));
			broker.enqueue(List.of(queued, delayed, unique)).join();
			assertThat(redis.opsForSet().members(keys.tracked(QUEUE))).containsExactlyInAnyOrder("queued", "delayed",
					"unique");
		});
	}

	private void run(BrokerTest test) {
		this.producer.run((context) -> test.run(context.getBean(TaskBroker.class), context.getBean(QueueAdmin.class),
				context.getBean(DeadLetterStore.class), context.getBean(StringRedisTemplate.class),
				new RedisKeyspace(context.getBean(GTaskProperties.class).getKeyPrefix())));
	}

	private static Delivery queueAndFetch(TaskBroker broker, int priority) {
		String id = UUID.randomUUID().toString();
		broker.enqueue(List.of(new OutgoingTask(QUEUE, id, bytes("{\"id\":\"" + id + "\"}"), null, priority, null,
				null))).join();
		List<Delivery> deliveries = broker.consumer(QUEUE, "first").fetch(10);
		assertThat(deliveries).hasSize(1);
		return deliveries.get(0);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private interface BrokerTest {

		void run(TaskBroker broker, QueueAdmin admin, DeadLetterStore store, StringRedisTemplate redis,
				RedisKeyspace keys);

	}

}
