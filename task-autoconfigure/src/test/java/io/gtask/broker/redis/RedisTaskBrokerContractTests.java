package io.gtask.broker.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.gtask.broker.DeadLetterStore;
import io.gtask.broker.Delivery;
import io.gtask.broker.OutgoingTask;
import io.gtask.broker.Settlement;
import io.gtask.broker.TaskBroker;
import io.gtask.broker.TaskBrokerContractTests;
import io.gtask.core.TaskLimit;
import io.gtask.core.DeadLetter;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.gtask.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

import static io.gtask.redis.RedisAsync.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The broker contract on Redis, each broker under a key prefix of its own, whose keys are
 * deleted after each test.
 */
class RedisTaskBrokerContractTests extends TaskBrokerContractTests {

	private static LettuceConnectionFactory connectionFactory;

	private final List<String> prefixes = new ArrayList<>();

	@BeforeAll
	static void connect() {
		connectionFactory = TestRedis.get().connectionFactory();
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@Override
	protected BrokerUnderTest createBroker(Map<String, TaskLimit> limits, boolean tracking) {
		RedisBrokerContext context = context(
				RedisBrokerSettings.defaults().withTaskLimits(limits).withTracking(tracking));
		return new BrokerUnderTest(new RedisTaskBroker(context), new RedisQueueAdmin(context),
				new RedisDeadLetterStore(context));
	}

	private RedisBrokerContext context(RedisBrokerSettings settings) {
		String prefix = "gtask-broker-test-" + UUID.randomUUID().toString().substring(0, 8);
		this.prefixes.add(prefix);
		return new RedisBrokerContext(new RedisAsync(connectionFactory, Duration.ofSeconds(5)),
				new RedisKeyspace(prefix), settings);
	}

	@AfterEach
	void deleteKeys() {
		StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
		for (String prefix : this.prefixes) {
			List<String> keys = new ArrayList<>();
			ScanOptions options = ScanOptions.scanOptions().match(prefix + ":*").count(1000).build();
			try (Cursor<String> cursor = redis.scan(options)) {
				cursor.forEachRemaining(keys::add);
			}
			if (!keys.isEmpty()) {
				redis.delete(keys);
			}
		}
	}

	@Test
	void aDeadLetterIsReservedByOneRequestAtATime() {
		RedisBrokerContext context = context(RedisBrokerSettings.defaults());
		TaskBroker broker = new RedisTaskBroker(context);
		DeadLetterStore store = new RedisDeadLetterStore(context);
		broker.enqueue(List.of(new OutgoingTask("q", "t1", bytes("{\"id\":\"t1\"}"), null))).join();
		try (TaskBroker.Consumer consumer = broker.consumer("q", "first")) {
			Delivery delivery = consumer.fetch(1).get(0);
			broker.settle(List.of(Settlement.deadLetter(delivery, new DeadLetter(delivery.deliveryId(), "q", "t1",
					null, "failed", null, 1, 1, Instant.now(), delivery.payload()))));
		}
		String id = store.deadLetters("q", 0, 1).get(0).id();
		assertThat(store.reserveDeadLetter("q", id, Duration.ofMinutes(1))).isTrue();
		assertThat(store.reserveDeadLetter("q", id, Duration.ofMinutes(1))).isFalse();
		assertThat(store.removeDeadLetter("q", id, null)).isTrue();
		assertThat(store.reserveDeadLetter("q", id, Duration.ofMinutes(1))).isFalse();
	}

	@Test
	void theSettingsNameWhatIsWrong() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBrokerSettings.defaults().withLeaseTime(Duration.ZERO))
			.withMessageContaining("lease time");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisBrokerSettings.defaults().withDeadLetters(-1, Duration.ofDays(1)))
			.withMessageContaining("dead letters");
	}

}
