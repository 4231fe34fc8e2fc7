package io.gtask.reliability;

import java.time.Duration;
import java.util.UUID;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskStatus;
import io.gtask.test.TestRedis;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The permit of a task limited to one at a time across all instances is released when the
 * worker process running it is killed, so that the other instances go on with the tasks of
 * that name.
 */
class LimitAfterCrashTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	@Test
	void globalPermitOfAKilledWorkerIsReleased() throws Exception {
		String startsKey = this.prefix + ":starts";
		ReliabilitySuiteTests.Worker process = ReliabilitySuiteTests.Worker.start(1, TestRedis.get().url(), this.prefix);
		try {
			process.awaitStarted();
			ApplicationContextRunner runner = new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
						JacksonAutoConfiguration.class, GTaskAutoConfiguration.class))
				.withBean(ReliabilityWorker.Handlers.class)
				.withPropertyValues("spring.data.redis.url=" + TestRedis.get().url(), "gtask.key-prefix=" + this.prefix,
						"gtask.worker.visibility-timeout=1s", "gtask.worker.reclaim-interval=200ms",
						"gtask.worker.poll-timeout=200ms");
			runner.withPropertyValues("gtask.worker.auto-startup=false").run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				String first = client.send("exclusiveWork", startsKey, 1L, 60_000L);
				await().atMost(WAIT).until(() -> client.status(first) == TaskStatus.STARTED);
				process.kill();
				String second = client.send("exclusiveWork", startsKey, 2L, 0L);
				// this instance has room, but the only permit belongs to the killed process until it expires
				context.getBean(io.gtask.worker.TaskContainer.class).start();
				assertThat(client.await(second, WAIT, Long.class)).isEqualTo(2L);
				assertThat(client.await(first, WAIT, Long.class)).isEqualTo(1L);
				assertThat(client.info(first).attempts()).isEqualTo(1);
			});
		}
		finally {
			process.kill();
		}
	}

}
