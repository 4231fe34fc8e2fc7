package io.gtask.it;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskProgress;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisKeyspace;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Progress reported by handlers, read with a task's state and followed as it comes, on a real
 * Redis.
 */
class ProgressIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner worker = GTaskTestSupport.runner()
		.withUserConfiguration(WorkflowIntegrationTests.HandlersConfiguration.class)
		.withPropertyValues("gtask.key-prefix=" + this.prefix);

	@Test
	void followerSeesReportsInOrderUpToTheLastAndInfoKeepsTheLatest() throws Exception {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("wf.progress", 12, 60L);
			List<TaskProgress> seen = new CopyOnWriteArrayList<>();
			try (AutoCloseable subscription = client.onProgress(id, seen::add)) {
				assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(12);
				await().atMost(WAIT).until(() -> !seen.isEmpty() && seen.get(seen.size() - 1).fraction() == 1.0);
			}
			assertThat(seen).extracting(TaskProgress::fraction).isSorted();
			// written at most every 200 ms: fewer writes than reports, the last one kept
			assertThat(seen.size()).isBetween(2, 12);
			TaskProgress last = seen.get(seen.size() - 1);
			assertThat(last.message()).isEqualTo("step 12 of 12");
			assertThat(last.detail()).isEqualTo("{\"done\":12}");
			TaskInfo info = client.info(id);
			assertThat(info.progress()).isNotNull();
			assertThat(info.progress().fraction()).isEqualTo(1.0);
		});
	}

	@Test
	void progressThatIsNotAFractionFailsTheTaskNamingIt() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskInfo info = client.awaitCompletion(client.send("wf.badProgress", 1.5), WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().message()).contains("must be a fraction from 0 to 1, not 1.5");
		});
	}

	@Test
	void garbageKeptAsProgressReadsAsNone() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String id = client.send("wf.add", 1, 2);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(3);
			String key = new RedisKeyspace(this.prefix).progress(id);
			for (String garbage : List.of("{not json", "{\"fraction\":7,\"at\":1}", "[]", "x".repeat(100_000))) {
				redis.opsForValue().set(key, garbage);
				assertThat(client.info(id).progress()).isNull();
			}
			redis.delete(key);
			redis.opsForHash().put(key, "a", "b");
			assertThat(client.info(id).progress()).isNull();
			assertThat(client.info(id).status()).isEqualTo(TaskStatus.SUCCESS);
		});
	}

}
