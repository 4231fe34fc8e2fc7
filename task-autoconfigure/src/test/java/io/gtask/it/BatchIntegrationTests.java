package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.gtask.core.BatchInfo;
import io.gtask.core.BatchMembers;
import io.gtask.core.BatchRequest;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisKeyspace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Batches on a real Redis: counts, callbacks that run once, members added while a batch runs,
 * cancel, and bad data in a batch's key.
 */
class BatchIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner worker = GTaskTestSupport.runner()
		.withUserConfiguration(HandlersConfiguration.class)
		.withPropertyValues("gtask.key-prefix=" + this.prefix, "gtask.worker.concurrency=8");

	@BeforeEach
	void reset() {
		WorkflowHandlers.reset();
		BatchHandlers.reset();
	}

	@Test
	void batchCountsItsMembersAndCallsBackOnceWithItsId() {
		this.worker.run((first) -> this.worker.run((second) -> {
			TaskClient client = first.getBean(TaskClient.class);
			List<TaskRequest> members = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				members.add(TaskRequest.of("wf.add").args(i, 1).build());
			}
			String id = client.batches()
				.start(BatchRequest.of(members)
					.onComplete(TaskRequest.of("batch.complete").args("c").build())
					.onSuccess(TaskRequest.of("batch.success").args("s").build())
					.description("two hundred sums"));
			BatchInfo info = client.batches().await(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(info.sealed()).isTrue();
			assertThat(info.total()).isEqualTo(200);
			assertThat(info.succeeded()).isEqualTo(200);
			assertThat(info.failed()).isZero();
			assertThat(info.pending()).isZero();
			assertThat(info.description()).isEqualTo("two hundred sums");
			assertThat(client.await(info.onCompleteId(), WAIT, String.class)).isEqualTo("c");
			assertThat(client.await(info.onSuccessId(), WAIT, String.class)).isEqualTo("s");
			assertThat(BatchHandlers.calls("complete")).containsExactly(id + "/c");
			assertThat(BatchHandlers.calls("success")).containsExactly(id + "/s");
			TaskInfo record = client.info(id);
			assertThat(record.name()).isEqualTo("gtask.batch");
			assertThat(record.result()).isEqualTo("{\"total\":200,\"succeeded\":200,\"failed\":0}");
			assertThat(WorkflowHandlers.runs("wf.add")).isEqualTo(200);
		}));
	}

	@Test
	void batchWithAFailedMemberCallsOnCompleteButNotOnSuccess() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.batches()
				.start(BatchRequest
					.of(TaskRequest.of("wf.add").args(1, 1).build(), TaskRequest.of("wf.fail").args("x").build(),
							TaskRequest.of("wf.add").args(2, 2).build())
					.onComplete(TaskRequest.of("batch.complete").args("c").build())
					.onSuccess(TaskRequest.of("batch.success").args("s").build()));
			BatchInfo info = client.batches().await(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.succeeded()).isEqualTo(2);
			assertThat(info.failed()).isEqualTo(1);
			assertThat(info.onSuccessId()).isNull();
			assertThat(client.await(info.onCompleteId(), WAIT, String.class)).isEqualTo("c");
			assertThat(client.info(id).error().message()).isEqualTo("1 of 3 members of batch " + id + " failed");
			Thread.sleep(300);
			assertThat(BatchHandlers.calls("success")).isEmpty();
		});
	}

	@Test
	void openBatchTakesMembersFromOutsideAndFromItsOwnMembersAndEndsOnlyOnceSealed() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.batches()
				.open(BatchRequest.of(TaskRequest.of("batch.spawn").args(5).build())
					.onComplete(TaskRequest.of("batch.complete").args("open").build()));
			await().atMost(WAIT).until(() -> client.batches().info(id).succeeded() == 6);
			assertThat(client.batches().info(id).status()).isEqualTo(TaskStatus.STARTED);
			List<String> added = client.batches().add(id, List.of(TaskRequest.of("wf.add").args(10, 10).build()));
			assertThat(client.await(added.get(0), WAIT, Integer.class)).isEqualTo(20);
			assertThat(client.batches().info(id).status()).isEqualTo(TaskStatus.STARTED);
			client.batches().seal(id);
			BatchInfo info = client.batches().await(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(info.total()).isEqualTo(7);
			await().atMost(WAIT).until(() -> BatchHandlers.calls("complete").size() == 1);
			assertThatExceptionOfType(GTaskException.class)
				.isThrownBy(() -> client.batches().add(id, List.of(TaskRequest.of("wf.add").args(1, 1).build())))
				.withMessageContaining("Batch " + id + " is SUCCESS");
			assertThatExceptionOfType(TaskNotFoundException.class)
				.isThrownBy(() -> client.batches().add("no-such-batch", List.of(TaskRequest.of("wf.add").args(1, 1).build())));
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> client.batches().add(id, List.of(TaskRequest.of("wf.add").id("mine").build())))
				.withMessageContaining("must not name an id");
		});
	}

	@Test
	void cancelledBatchRunsNoCallbackAndCancelsItsMembers() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<TaskRequest> members = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				members.add(TaskRequest.of("wf.sleep").args(2000L).build());
			}
			String id = client.batches()
				.start(BatchRequest.of(members).onComplete(TaskRequest.of("batch.complete").args("x").build()));
			await().atMost(WAIT).until(() -> WorkflowHandlers.runs("wf.sleep") > 0);
			assertThat(client.batches().cancel(id)).isTrue();
			assertThat(client.batches().cancel(id)).isFalse();
			BatchInfo info = client.batches().await(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.REVOKED);
			assertThat(client.info(id).status()).isEqualTo(TaskStatus.REVOKED);
			Thread.sleep(500);
			assertThat(BatchHandlers.calls("complete")).isEmpty();
			// at most the eight that had started ran
			assertThat(WorkflowHandlers.runs("wf.sleep")).isLessThanOrEqualTo(8);
		});
	}

	@Test
	void membersOfALargeBatchAreWalkedPageByPageEachOnce() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<TaskRequest> members = new ArrayList<>();
			for (int i = 0; i < 1500; i++) {
				members.add(TaskRequest.of("wf.add").args(i, 1).build());
			}
			String id = client.batches().open(BatchRequest.of(List.of()));
			List<String> sent = client.batches().add(id, members);
			client.batches().seal(id);
			assertThat(client.batches().await(id, WAIT).succeeded()).isEqualTo(1500);
			List<String> walked = new ArrayList<>();
			String cursor = null;
			int pages = 0;
			do {
				BatchMembers page = client.batches().members(id, cursor, 100);
				assertThat(page.taskIds().size()).isLessThanOrEqualTo(1000);
				walked.addAll(page.taskIds());
				cursor = page.cursor();
				pages++;
			}
			while (cursor != null);
			assertThat(pages).isGreaterThan(1);
			assertThat(walked).hasSize(1500).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sent);
			for (String member : walked.subList(0, 20)) {
				assertThat(client.info(member).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			assertThatExceptionOfType(TaskNotFoundException.class)
				.isThrownBy(() -> client.batches().members("no-such-batch", null, 10));
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> client.batches().members(id, null, 1001))
				.withMessageContaining("count");
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> client.batches().members(id, "not-a-cursor", 10))
				.withMessageContaining("cursor");
		});
	}

	@Test
	void batchKeyOfAnotherTypeEndsTheBatchAsFailureAndTheWorkerGoesOn() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String id = client.batches().start(BatchRequest.of(TaskRequest.of("wf.sleep").args(500L).build()));
			String key = new RedisKeyspace(this.prefix).batch(id);
			redis.delete(key);
			redis.opsForValue().set(key, "not a hash");
			TaskInfo record = client.awaitCompletion(id, WAIT);
			assertThat(record.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(record.error().message()).contains("is not a hash");
			assertThat(client.await(client.send("wf.add", 2, 2), WAIT, Integer.class)).isEqualTo(4);

			String other = client.batches().start(BatchRequest.of(TaskRequest.of("wf.sleep").args(500L).build()));
			redis.opsForHash().put(new RedisKeyspace(this.prefix).batch(other), "succeeded", "many");
			assertThat(client.awaitCompletion(other, WAIT).error().message()).contains("not whole numbers");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlersConfiguration {

		@Bean
		WorkflowHandlers workflowHandlers() {
			return new WorkflowHandlers();
		}

		@Bean
		BatchHandlers batchHandlers(ObjectProvider<TaskClient> client) {
			return new BatchHandlers(client);
		}

	}

}
