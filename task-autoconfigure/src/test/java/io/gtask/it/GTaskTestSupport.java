package io.gtask.it;

import java.util.UUID;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.autoconfigure.GTaskFlowAutoConfiguration;
import io.gtask.test.TestRedis;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Builds application contexts that run gtask on the test Redis, each under its own key prefix
 * so tests never see each other's keys.
 */
final class GTaskTestSupport {

	private GTaskTestSupport() {
	}

	static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					GTaskAutoConfiguration.class,
					GTaskFlowAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + TestRedis.get().url(),
					"gtask.key-prefix=gtask-test-" + UUID.randomUUID().toString().substring(0, 8),
					"gtask.worker.poll-timeout=200ms", "gtask.worker.shutdown-timeout=2s");
	}

}
