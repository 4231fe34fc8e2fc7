package io.gtask.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gtask.client.DefaultTaskClient;
import io.gtask.core.TaskQueues;
import io.gtask.metrics.CompositeTaskMetrics;
import io.gtask.metrics.MicrometerTaskMetrics;
import io.gtask.metrics.TaskMetrics;
import io.gtask.metrics.TaskOrigin;
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
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

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
	void userDefinedMetricsAreToldAlongWithMicrometerMetrics() {
		List<String> sent = new CopyOnWriteArrayList<>();
		TaskMetrics custom = new TaskMetrics() {

			@Override
			public void sent(String queue, String task, TaskOrigin origin) {
				throw new IllegalStateException("must not stop the other metrics");
			}

		};
		this.runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("customMetrics", TaskMetrics.class, () -> custom)
			.withBean("otherMetrics", TaskMetrics.class, () -> new TaskMetrics() {

				@Override
				public void sent(String queue, String task, TaskOrigin origin) {
					sent.add(task + " from " + origin.tagValue());
				}

			})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(TaskMetrics.class)).hasSize(3);
				assertThat(context).hasSingleBean(MicrometerTaskMetrics.class);
				Object metrics = ReflectionTestUtils.getField(context.getBean(io.gtask.send.TaskSender.class), "metrics");
				assertThat(metrics).isInstanceOf(CompositeTaskMetrics.class);
				((TaskMetrics) metrics).sent("q", "t", TaskOrigin.CLIENT);
				assertThat(sent).containsExactly("t from client");
				assertThat(context.getBean(MeterRegistry.class).get("gtask.tasks.sent").counter().count())
					.isEqualTo(1);
			});
	}

	@Test
	void backsOffFromUserDefinedMicrometerMetrics() {
		this.runner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("customMetrics", MicrometerTaskMetrics.class,
					() -> new MicrometerTaskMetrics(new SimpleMeterRegistry(), mock(TaskQueues.class), Set::of, 1,
							Duration.ofSeconds(1)))
			.run((context) -> assertThat(context).getBean(TaskMetrics.class)
				.isSameAs(context.getBean("customMetrics")));
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
