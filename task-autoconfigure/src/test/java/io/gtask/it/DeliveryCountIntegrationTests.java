package io.gtask.it;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.broker.Delivery;
import io.gtask.broker.TaskBroker;
import io.gtask.core.TaskLimit;
import io.gtask.redis.RedisKeyspace;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task keeps the count of its deliveries while it waits for a limit, so that one that keeps
 * killing its workers is recognised as poison however often it waits.
 */
class DeliveryCountIntegrationTests {

	private static final String QUEUE = "default";

	private static final String MESSAGE = "{\"v\":1,\"id\":\"t1\",\"name\":\"capped\",\"queue\":\"default\",\"args\":[]}";

	private final ApplicationContextRunner producer = GTaskTestSupport.runner()
		.withPropertyValues("gtask.worker.enabled=false");

	@Test
	void deliveryCountSurvivesTheWaitingListOfALimit() {
		this.producer.withPropertyValues("gtask.limits.capped.concurrency=1").run((context) -> {
			TaskBroker broker = context.getBean(TaskBroker.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			RedisKeyspace keys = new RedisKeyspace(context.getBean(GTaskProperties.class).getKeyPrefix());
			String leases = keys.queuePrefix(QUEUE) + "leases:capped";
			// put back after 4 deliveries that did not finish, while another task holds the only permit
			redis.opsForStream().add(keys.lane(QUEUE, 3), Map.of("m", MESSAGE, "d", "4"));
			redis.opsForZSet().add(leases, "other", System.currentTimeMillis() + 60_000);
			TaskBroker.Consumer consumer = broker.consumer(QUEUE, "first");
			assertThat(consumer.fetch(10)).isEmpty();
			assertThat(redis.opsForList().size(keys.queuePrefix(QUEUE) + "waiting:capped")).isEqualTo(1);
			redis.delete(leases);
			assertThat(broker.admitWaiting(QUEUE, Instant.now(), Map.of())).isEqualTo(1);
			List<Delivery> deliveries = consumer.fetch(10);
			assertThat(deliveries).singleElement().satisfies((delivery) -> {
				assertThat(delivery.priority()).isEqualTo(3);
				assertThat(delivery.deliveryCount()).isEqualTo(5);
			});
		});
	}

	@Test
	void deliveryCountSurvivesAPerInstanceLimit() {
		this.producer.withPropertyValues("gtask.limits.capped.local-concurrency=1").run((context) -> {
			TaskBroker broker = context.getBean(TaskBroker.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			RedisKeyspace keys = new RedisKeyspace(context.getBean(GTaskProperties.class).getKeyPrefix());
			redis.opsForStream().add(keys.lane(QUEUE, 2), Map.of("m", MESSAGE, "d", "4"));
			TaskBroker.Consumer consumer = broker.consumer(QUEUE, "first");
			Delivery fetched = consumer.fetch(10).get(0);
			assertThat(fetched.deliveryCount()).isEqualTo(5);
			// the instance has no permit left: the task waits for one, not counted as delivered
			broker.defer(List.of(fetched));
			assertThat(broker.admitWaiting(QUEUE, Instant.now(), Map.of("capped", 1))).isEqualTo(1);
			assertThat(consumer.fetch(10)).singleElement()
				.satisfies((delivery) -> assertThat(delivery.deliveryCount()).isEqualTo(5));
		});
	}

}
