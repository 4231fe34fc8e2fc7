package io.gtask.autoconfigure;

import io.gtask.actuate.GTaskEndpoint;
import io.gtask.actuate.GTaskHealthIndicator;
import io.gtask.worker.WorkerRegistry;
import io.gtask.worker.redis.RedisWorkerRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Conditions and back-off of {@link GTaskHealthContributorAutoConfiguration},
 * {@link GTaskEndpointAutoConfiguration} and the worker registry. The containers are not
 * started, so no Redis is needed here.
 */
class GTaskActuatorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				GTaskAutoConfiguration.class, GTaskHealthContributorAutoConfiguration.class,
				GTaskEndpointAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1")
		.withBean("noAutoStartup", GTaskAutoConfigurationTests.NoAutoStartup.class);

	@Test
	void createsTheHealthIndicatorAndTheWorkerRegistryButNoEndpointUnlessExposed() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(GTaskHealthIndicator.class);
			assertThat(context).hasBean("gtaskHealthIndicator");
			assertThat(context).hasSingleBean(RedisWorkerRegistry.class);
			assertThat(context).doesNotHaveBean(GTaskEndpoint.class);
		});
	}

	@Test
	void createsTheEndpointWhenExposedOnTheWeb() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health,gtask")
			.run((context) -> assertThat(context).hasSingleBean(GTaskEndpoint.class));
	}

	@Test
	void createsNoEndpointWhenItsAccessIsNone() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=gtask",
					"management.endpoint.gtask.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(GTaskEndpoint.class));
	}

	@Test
	void createsNoHealthIndicatorWhenDisabled() {
		this.runner.withPropertyValues("management.health.gtask.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GTaskHealthIndicator.class));
	}

	@Test
	void createsNoHealthIndicatorWhenDefaultHealthIndicatorsAreDisabled() {
		this.runner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GTaskHealthIndicator.class));
	}

	@Test
	void backsOffFromAHealthIndicatorOfTheSameName() {
		this.runner.withBean("gtaskHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
			.run((context) -> assertThat(context).doesNotHaveBean(GTaskHealthIndicator.class));
	}

	@Test
	void backsOffFromAUserEndpointAndWorkerRegistry() {
		GTaskEndpoint endpoint = mock(GTaskEndpoint.class);
		WorkerRegistry registry = mock(WorkerRegistry.class);
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=gtask")
			.withBean(GTaskEndpoint.class, () -> endpoint)
			.withBean(WorkerRegistry.class, () -> registry)
			.run((context) -> {
				assertThat(context).getBean(GTaskEndpoint.class).isSameAs(endpoint);
				assertThat(context).getBean(WorkerRegistry.class).isSameAs(registry);
			});
	}

	@Test
	void worksWithoutTheHealthModule() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.withPropertyValues("management.endpoints.web.exposure.include=gtask")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("gtaskHealthIndicator");
				assertThat(context).hasSingleBean(GTaskEndpoint.class);
			});
	}

	@Test
	void worksWithoutActuator() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=gtask")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(GTaskEndpoint.class);
				assertThat(context).hasSingleBean(GTaskHealthIndicator.class);
			});
	}

	@Test
	void createsNothingOfActuatorWithoutGTask() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GTaskHealthContributorAutoConfiguration.class,
					GTaskEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=gtask")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(GTaskEndpoint.class);
				assertThat(context).doesNotHaveBean(GTaskHealthIndicator.class);
			});
	}

}
