package io.gtask.sample;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which settings count as a configured Redis, and that a configured Redis, or ahead-of-time
 * processing, starts no embedded one.
 */
class EmbeddedRedisEnvironmentPostProcessorTests {

	@ParameterizedTest
	@ValueSource(strings = { "spring.data.redis.url=redis://redis.example:6379", "spring.data.redis.host=redis.example",
			"spring.data.redis.port=6380", "spring.data.redis.sentinel.master=main",
			"spring.data.redis.sentinel.nodes[0]=sentinel.example:26379",
			"spring.data.redis.cluster.nodes=node1.example:6379,node2.example:6379" })
	void connectionPropertyCountsAsConfiguredRedis(String property) {
		String[] pair = property.split("=", 2);
		MockEnvironment environment = new MockEnvironment().withProperty(pair[0], pair[1]);

		assertThat(EmbeddedRedisEnvironmentPostProcessor.isRedisConfigured(environment)).isTrue();
	}

	@Test
	void environmentVariableCountsAsConfiguredRedis() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("SPRING_DATA_REDIS_URL", "redis://redis.example:6379")));

		assertThat(EmbeddedRedisEnvironmentPostProcessor.isRedisConfigured(environment)).isTrue();
	}

	@Test
	void tuningPropertiesDoNotCountAsConfiguredRedis() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.data.redis.timeout", "2s")
			.withProperty("spring.data.redis.lettuce.pool.enabled", "false")
			.withProperty("gtask.key-prefix", "app");

		assertThat(EmbeddedRedisEnvironmentPostProcessor.isRedisConfigured(environment)).isFalse();
	}

	@Test
	void configuredRedisStartsNoEmbeddedServer() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.data.redis.url",
				"redis://redis.example:6379");
		SpringApplication application = new SpringApplication(SampleApplication.class);
		int initializers = application.getInitializers().size();

		new EmbeddedRedisEnvironmentPostProcessor(DeferredLogFactoryForTests.INSTANCE)
			.postProcessEnvironment(environment, application);

		assertThat(environment.getPropertySources().contains(EmbeddedRedisEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
		assertThat(application.getInitializers()).hasSize(initializers);
	}

	@Test
	void aheadOfTimeProcessingStartsNoEmbeddedServer() {
		MockEnvironment environment = new MockEnvironment();
		SpringApplication application = new SpringApplication(SampleApplication.class);
		int initializers = application.getInitializers().size();
		System.setProperty("spring.aot.processing", "true");
		try {
			new EmbeddedRedisEnvironmentPostProcessor(DeferredLogFactoryForTests.INSTANCE)
				.postProcessEnvironment(environment, application);
		}
		finally {
			System.clearProperty("spring.aot.processing");
		}

		assertThat(environment.getPropertySources().contains(EmbeddedRedisEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
		assertThat(application.getInitializers()).hasSize(initializers);
	}

	private static final class DeferredLogFactoryForTests {

		static final DeferredLogFactory INSTANCE = (destination) -> destination.get();

	}

}
