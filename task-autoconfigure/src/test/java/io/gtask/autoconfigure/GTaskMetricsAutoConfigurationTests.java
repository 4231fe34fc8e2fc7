package io.gtask.autoconfigure;

import java.time.Duration;

import io.gtask.client.DefaultTaskClient;
import io.gtask.metrics.MicrometerTaskMetrics;
import io.gtask.metrics.TaskMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GTaskMetricsAutoConfiguration}.
 */
class GTaskMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				GTaskAutoConfiguration.class, GTaskMetricsAutoConfiguration.class))
		.withPropertyValues("gtask.worker.enabled=false");

	@Test
	void noMetricsWithoutMeterRegistry() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TaskMetrics.class);
		});
	}

	@Test
	void metricsWithMeterRegistry() {
		this.runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasSingleBean(MicrometerTaskMetrics.class));
	}

	@Test
	void metricsWithTheRegistryOfBootsMetricsAutoConfiguration() {
		this.runner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(MeterRegistry.class);
				assertThat(context).hasSingleBean(MicrometerTaskMetrics.class);
			});
	}

	@Test
	void noMetricsWhenDisabled() {
		this.runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("gtask.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskMetrics.class));
	}

	@Test
	void noMetricsWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(DefaultTaskClient.class);
			assertThat(context).doesNotHaveBean(TaskMetrics.class);
		});
	}

	@Test
	void backsOffFromUserDefinedMetrics() {
		this.runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("customMetrics", TaskMetrics.class, () -> TaskMetrics.NONE)
			.run((context) -> {
				assertThat(context).hasSingleBean(TaskMetrics.class);
				assertThat(context).doesNotHaveBean(MicrometerTaskMetrics.class);
			});
	}

	@Test
	void propertyDefaultsMatchLibraryDefaults() {
		GTaskProperties.Metrics metrics = new GTaskProperties().getMetrics();
		assertThat(metrics.isEnabled()).isTrue();
		assertThat(metrics.getMaxTaskNames()).isEqualTo(MicrometerTaskMetrics.DEFAULT_MAX_TASK_NAMES);
		assertThat(metrics.getQueueRefreshInterval()).isEqualTo(MicrometerTaskMetrics.DEFAULT_QUEUE_REFRESH_INTERVAL);
		assertThat(metrics.getQueueRefreshInterval()).isEqualTo(Duration.ofSeconds(5));
	}

}
