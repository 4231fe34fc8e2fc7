package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.core.QueueKeyTypeException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskStatus;
import io.gtask.test.RoundTripProxy;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What a send costs in round trips to Redis, counted by a proxy between the client and Redis:
 * a task with a generated id is recorded and queued in one, a caller-chosen id or a uniqueness
 * key waits for the record first.
 */
class SendRoundTripIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static ApplicationContextRunner runner(RoundTripProxy proxy) {
		return GTaskTestSupport.runner()
			.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
			.withPropertyValues("spring.data.redis.url=" + proxy.url(), "gtask.worker.enabled=false");
	}

	@Test
	void aSendWithAGeneratedIdCostsOneRoundTripAndQueuesTheTaskWithItsRecord() {
		try (RoundTripProxy proxy = RoundTripProxy.start()) {
			runner(proxy).run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				client.send("add", 0, 0);
				long before = proxy.roundTrips();
				String id = client.send("add", 2, 3);
				assertThat(proxy.roundTrips() - before).isOne();
				before = proxy.roundTrips();
				String later = client.send(TaskRequest.of("add").args(4, 5).countdown(Duration.ofMinutes(5)).build());
				assertThat(proxy.roundTrips() - before).as("a countdown send").isOne();
				assertThat(client.info(id).status()).isEqualTo(TaskStatus.PENDING);
				assertThat(client.info(id).args()).isEqualTo("[2,3]");
				assertThat(client.info(later).status()).isEqualTo(TaskStatus.PENDING);
			});
			// a worker finds the message and its record
			runner(proxy).withPropertyValues("gtask.worker.enabled=true").run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				TaskInfo info = client.awaitCompletion(client.send("add", 20, 22), WAIT);
				assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
				assertThat(info.history()).first()
					.satisfies((event) -> assertThat(event.status()).isEqualTo(TaskStatus.PENDING));
			});
		}
	}

	@Test
	void aBatchOfTasksWithGeneratedIdsCostsOneRoundTrip() {
		try (RoundTripProxy proxy = RoundTripProxy.start()) {
			runner(proxy).run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				client.send("add", 0, 0);
				List<TaskRequest> requests = new ArrayList<>();
				for (int i = 0; i < 50; i++) {
					requests.add(TaskRequest.of("add").args(i, i).priority(i % 3).build());
				}
				long before = proxy.roundTrips();
				List<String> ids = client.sendAll(requests);
				assertThat(proxy.roundTrips() - before).isOne();
				assertThat(ids).hasSize(50).doesNotHaveDuplicates();
				assertThat(client.info(ids.get(49)).status()).isEqualTo(TaskStatus.PENDING);
			});
		}
	}

	@Test
	void aCallerChosenIdOrAUniquenessKeyWaitsForTheRecordFirst() {
		try (RoundTripProxy proxy = RoundTripProxy.start()) {
			runner(proxy).run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				client.send("add", 0, 0);
				client.send(TaskRequest.of("add").args(0, 1).id("warm-" + System.nanoTime()).build());
				client.send(TaskRequest.of("add").args(0, 2).unique(Duration.ofMinutes(1)).build());
				long before = proxy.roundTrips();
				client.send(TaskRequest.of("add").args(1, 1).id("chosen-" + System.nanoTime()).build());
				assertThat(proxy.roundTrips() - before).as("a caller-chosen id").isEqualTo(2);
				before = proxy.roundTrips();
				client.send(TaskRequest.of("add").args(1, 2).unique(Duration.ofMinutes(1)).build());
				assertThat(proxy.roundTrips() - before).as("a uniqueness key").isEqualTo(2);
			});
		}
	}

	@Test
	void aSendRefusedForALaneOfAnotherTypeQueuesNothingAndLeavesNoRecord() {
		try (RoundTripProxy proxy = RoundTripProxy.start()) {
			runner(proxy).run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				String lane = context.getBean(GTaskProperties.class).getKeyPrefix() + ":{default}:ready:4";
				redis.opsForValue().set(lane, "not a stream");
				TaskSendException ex = catchThrowableOfType(TaskSendException.class,
						() -> client.send(TaskRequest.of("add").args(1, 1).priority(4).build()));
				assertThat(ex).hasMessageContaining(lane).hasMessageContaining("nothing was queued");
				assertThat(ex.getCause()).isInstanceOf(QueueKeyTypeException.class);
				List<String> notQueued = ((QueueKeyTypeException) ex.getCause()).getNotQueued();
				assertThat(notQueued).hasSize(1);
				// the record written in the same round trip is deleted
				assertThat(client.find(notQueued.get(0))).isEmpty();
				redis.delete(lane);
			});
		}
	}

}
