package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gtask.core.TaskClient;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskStatus;
import io.gtask.test.RedisProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * While Redis is away, senders fail fast and workers wait without losing anything or flooding
 * the log; when it returns, work resumes by itself. Runs on a redis-server of its own that it
 * stops and restarts, with an append-only file so that its data survives.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisOutageIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void workResumesByItselfAfterRedisRestarts(CapturedOutput output) {
		try (RedisProcess redis = RedisProcess.start("--appendonly", "yes", "--appendfsync", "always")) {
			GTaskTestSupport.runner()
				.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
				// a fetch whose reply the kill cut off leaves its tasks claimed by this worker unseen; they are
				// taken over after the visibility timeout, kept short here so that the wait below covers it
				.withPropertyValues("spring.data.redis.url=" + redis.url(), "gtask.worker.poll-timeout=200ms",
						"gtask.worker.visibility-timeout=5s", "gtask.worker.reclaim-interval=500ms")
				.run((context) -> {
					TaskClient client = context.getBean(TaskClient.class);
					assertThat(client.await(client.send("add", 1, 2), WAIT, Integer.class)).isEqualTo(3);
					List<String> accepted = new ArrayList<>();
					for (int i = 0; i < 20; i++) {
						accepted.add(client.send("sleep", 300L));
					}
					redis.kill();
					// once the client has noticed the lost connection (within milliseconds), sending fails at once
					await().atMost(WAIT).untilAsserted(() -> {
						long start = System.nanoTime();
						assertThatExceptionOfType(TaskSendException.class).isThrownBy(() -> client.send("add", 3, 4))
							.withMessageContaining("Redis is unavailable")
							.withMessageContaining("nothing was queued");
						assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
					});
					// the outage lasts a while; workers keep waiting, no thread dies
					Thread.sleep(2000);
					redis.start();
					// Lettuce reconnects by itself; sending works again as soon as it has
					String afterRestart = await().atMost(WAIT)
						.ignoreException(TaskSendException.class)
						.until(() -> client.send("add", 5, 6), (id) -> id != null);
					assertThat(client.await(afterRestart, WAIT, Integer.class)).isEqualTo(11);
					for (String id : accepted) {
						assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
					}
					assertThat(client.await(client.send("add", 7, 8), WAIT, Integer.class)).isEqualTo(15);
				});
		}
		// one line when a state changes, not one per attempt
		assertThat(count(output.getAll(), "Could not fetch from queue 'default'")).isLessThanOrEqualTo(1);
		assertThat(count(output.getAll(), "Could not write task outcomes")).isLessThanOrEqualTo(1);
	}

	private static int count(String text, String line) {
		Matcher matcher = Pattern.compile(Pattern.quote(line)).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}
