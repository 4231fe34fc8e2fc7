package io.gtask.sample;

import java.time.Duration;

import io.gtask.core.TaskClient;
import io.gtask.sample.EmbeddedRedisEnvironmentPostProcessor.EmbeddedRedis;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample started with no Redis settings at all, as on a machine without Redis: it runs on
 * an embedded Redis of its own and stops it when it stops.
 */
class EmbeddedRedisTests {

	@Test
	void applicationWithoutRedisSettingsRunsOnEmbeddedRedisAndStopsIt() {
		int port;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class).run(
				"--spring.main.web-application-type=none", "--sample.test.local-redis=false",
				"--gtask.key-prefix=sample-test-embedded", "--gtask.worker.poll-timeout=200ms")) {
			Environment environment = context.getEnvironment();
			port = environment.getRequiredProperty("spring.data.redis.port", Integer.class);
			assertThat(environment.getProperty("spring.data.redis.url")).isNull();
			assertThat(environment.getProperty("spring.data.redis.host")).isEqualTo("127.0.0.1");
			assertThat(port).isNotEqualTo(6379);
			assertThat(context.getBean(EmbeddedRedis.class).getPort()).isEqualTo(port);
			assertThat(TestRedis.answers("127.0.0.1", port)).isTrue();

			TaskClient taskClient = context.getBean(TaskClient.class);
			String id = taskClient.send("add", 2, 3);
			assertThat(taskClient.await(id, Duration.ofSeconds(20), Integer.class)).isEqualTo(5);
		}
		assertThat(TestRedis.answers("127.0.0.1", port)).isFalse();
	}

}
