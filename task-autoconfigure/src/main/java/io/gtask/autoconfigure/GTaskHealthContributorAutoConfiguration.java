package io.gtask.autoconfigure;

import io.gtask.actuate.GTaskHealthIndicator;
import io.gtask.core.TaskQueues;
import io.gtask.registry.TaskRegistry;
import io.gtask.send.TaskRouter;
import io.gtask.worker.TaskContainer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code gtask} health indicator, unless
 * {@code management.health.gtask.enabled=false}.
 */
@AutoConfiguration(after = GTaskAutoConfiguration.class)
@ConditionalOnClass({ TaskQueues.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean({ TaskQueues.class, TaskRegistry.class })
@ConditionalOnMissingBean(type = "io.gtask.testing.InProcessTasks")
public final class GTaskHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "gtaskHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("gtask")
	GTaskHealthIndicator gtaskHealthIndicator(TaskQueues taskQueues, TaskRegistry registry,
			ObjectProvider<TaskContainer> container, ObjectProvider<TaskRouter> router, GTaskProperties properties) {
		TaskContainer worker = container.getIfUnique();
		GTaskProperties.Health health = properties.getHealth();
		String backlogStatus = health.getBacklogStatus();
		return new GTaskHealthIndicator(taskQueues, worker, KnownQueues.of(router, properties, registry, worker),
				health.getBacklogThreshold(), (backlogStatus != null) ? new Status(backlogStatus) : null);
	}

}
