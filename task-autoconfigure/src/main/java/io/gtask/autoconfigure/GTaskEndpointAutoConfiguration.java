package io.gtask.autoconfigure;

import io.gtask.actuate.GTaskEndpoint;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskQueues;
import io.gtask.registry.TaskRegistry;
import io.gtask.send.TaskRouter;
import io.gtask.worker.TaskContainer;
import io.gtask.worker.WorkerRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code gtask} actuator endpoint, when it is available (enabled
 * and exposed, {@code management.endpoints.web.exposure.include=gtask}).
 */
@AutoConfiguration(after = GTaskAutoConfiguration.class)
@ConditionalOnClass({ TaskQueues.class, Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean({ TaskQueues.class, DeadLetters.class, TaskClient.class, TaskRegistry.class })
@ConditionalOnMissingBean(type = "io.gtask.testing.InProcessTasks")
public final class GTaskEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(GTaskEndpoint.class)
	GTaskEndpoint gtaskEndpoint(TaskQueues taskQueues, DeadLetters deadLetters, TaskClient taskClient,
			TaskRegistry registry, ObjectProvider<WorkerRegistry> workerRegistry,
			ObjectProvider<TaskContainer> container, ObjectProvider<TaskRouter> router, GTaskProperties properties) {
		return new GTaskEndpoint(taskQueues, deadLetters, taskClient, workerRegistry.getIfUnique(),
				KnownQueues.of(router, properties, registry, container.getIfUnique()));
	}

}
