package io.gtask.autoconfigure;

import java.util.HashSet;
import java.util.Set;

import io.gtask.core.TaskQueues;
import io.gtask.metrics.MicrometerTaskMetrics;
import io.gtask.metrics.TaskMetrics;
import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of gtask's Micrometer metrics: counters and timers of tasks sent and run,
 * and gauges of the queues the worker consumes, recorded in the application's
 * {@link MeterRegistry}. Other {@link TaskMetrics} beans are told as well, not instead.
 */
@AutoConfiguration(after = GTaskAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, TaskRegistry.class })
@ConditionalOnBean({ MeterRegistry.class, TaskQueues.class, TaskRegistry.class })
@ConditionalOnProperty(prefix = "gtask.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
@ConditionalOnMissingBean(type = "io.gtask.testing.InProcessTasks")
public final class GTaskMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(MicrometerTaskMetrics.class)
	MicrometerTaskMetrics gtaskTaskMetrics(MeterRegistry meterRegistry, TaskQueues taskQueues, TaskRegistry registry,
			GTaskProperties properties) {
		GTaskProperties.Metrics metrics = properties.getMetrics();
		Set<String> routed = Set.copyOf(properties.getRoutes().keySet());
		return new MicrometerTaskMetrics(meterRegistry, taskQueues, () -> knownNames(registry, routed),
				metrics.getMaxTaskNames(), metrics.getQueueRefreshInterval());
	}

	private static Set<String> knownNames(TaskRegistry registry, Set<String> routed) {
		Set<String> names = new HashSet<>(routed);
		for (TaskHandlerMethod handler : registry.getHandlers()) {
			names.add(handler.getName());
		}
		return names;
	}

}
