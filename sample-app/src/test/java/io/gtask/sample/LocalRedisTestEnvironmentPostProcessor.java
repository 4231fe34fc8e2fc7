package io.gtask.sample;

import java.util.Map;

import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points test applications that configure no Redis at the server on 127.0.0.1:6379 when it
 * answers, so that the tests use a real, already running Redis; without one, the sample's
 * embedded fallback starts one. A test that wants the embedded server anyway sets
 * {@code sample.test.local-redis=false}.
 * <p>
 * This is an environment post-processor rather than a {@code @DynamicPropertySource} because
 * the sample decides whether to start its embedded Redis before the test context exists.
 */
public class LocalRedisTestEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String LOCAL_URL = "redis://127.0.0.1:6379";

	private final Log logger;

	public LocalRedisTestEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(LocalRedisTestEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		// just before the sample's EmbeddedRedisEnvironmentPostProcessor
		return Ordered.LOWEST_PRECEDENCE - 1;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("sample.test.local-redis", Boolean.class, true)
				|| EmbeddedRedisEnvironmentPostProcessor.isRedisConfigured(environment)
				|| !TestRedis.answers("127.0.0.1", 6379)) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource("testLocalRedis", Map.of("spring.data.redis.url", LOCAL_URL)));
		this.logger.info("Test uses the Redis that answers at " + LOCAL_URL);
	}

}
