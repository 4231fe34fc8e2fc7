package io.gtask.it;

import java.time.Duration;

import io.gtask.core.TaskClient;
import io.gtask.test.RedisProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis AUTH and ACL users configured through {@code spring.data.redis.*} work, and no secret
 * reaches the log. Runs on a redis-server of the test's own.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisSecurityIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@Test
	void passwordProtectedRedisWorks(CapturedOutput output) {
		try (RedisProcess redis = RedisProcess.start("--requirepass", "pa55-word-x7")) {
			GTaskTestSupport.runner()
				.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
				.withPropertyValues("spring.data.redis.url=redis://:pa55-word-x7@127.0.0.1:" + redis.port())
				.run((context) -> {
					TaskClient client = context.getBean(TaskClient.class);
					assertThat(client.await(client.send("add", 2, 2), WAIT, Integer.class)).isEqualTo(4);
				});
		}
		assertThat(output.getAll()).doesNotContain("pa55-word-x7");
	}

	@Test
	void aclUserLimitedToTheKeyPrefixWorks(CapturedOutput output) {
		try (RedisProcess redis = RedisProcess.start("--requirepass", "admin-secret-1",
				"--user", "worker", "on", ">worker-secret-2", "~tenant-a:*", "&tenant-a:*", "+@all")) {
			GTaskTestSupport.runner()
				.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
				.withPropertyValues("spring.data.redis.url=redis://worker:worker-secret-2@127.0.0.1:" + redis.port(),
						"gtask.key-prefix=tenant-a")
				.run((context) -> {
					TaskClient client = context.getBean(TaskClient.class);
					String id = client.send("add", 20, 22);
					assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(42);
					assertThat(client.awaitCompletion(client.send("nobody-handles-this"), WAIT).error()).isNotNull();
				});
		}
		assertThat(output.getAll()).doesNotContain("worker-secret-2").doesNotContain("admin-secret-1");
	}

	@Test
	void wrongPasswordKeepsTheWorkersWaitingInsteadOfKillingThem(CapturedOutput output) {
		try (RedisProcess redis = RedisProcess.start("--requirepass", "right-password-3")) {
			GTaskTestSupport.runner()
				.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
				.withPropertyValues("spring.data.redis.url=redis://:wrong-password-4@127.0.0.1:" + redis.port())
				.run((context) -> {
					org.awaitility.Awaitility.await()
						.atMost(WAIT)
						.until(() -> output.getAll().contains("Could not fetch from queue 'default'"));
					assertThat(Thread.getAllStackTraces().keySet())
						.anySatisfy((thread) -> assertThat(thread.getName()).isEqualTo("gtask-fetch-default"));
					assertThat(context.getBean(io.gtask.worker.TaskContainer.class).isRunning()).isTrue();
				});
		}
		assertThat(output.getAll()).doesNotContain("wrong-password-4").doesNotContain("right-password-3");
	}

}
