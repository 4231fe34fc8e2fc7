package io.gtask.testing;

import java.util.Map;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.autoconfigure.GTaskEncryptionAutoConfiguration;
import io.gtask.autoconfigure.GTaskJdbcBackendAutoConfiguration;
import io.gtask.autoconfigure.GTaskMongoBackendAutoConfiguration;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskUpcaster;
import io.gtask.registry.TaskHandlerAnnotationBeanPostProcessor;
import io.gtask.registry.TaskRegistry;
import io.gtask.registry.TaskVersions;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * The in-process task client of {@link AutoConfigureInProcessTasks}, with the registry of the
 * application's handlers and the queues and dead letters of the tasks it runs; gtask's other auto-configurations back off when it is here. Not in
 * the list of auto-configurations: only the annotation imports it.
 */
@AutoConfiguration(before = { GTaskAutoConfiguration.class, GTaskJdbcBackendAutoConfiguration.class,
		GTaskMongoBackendAutoConfiguration.class, GTaskEncryptionAutoConfiguration.class })
public class InProcessTasksAutoConfiguration {

	@Bean
	static TaskHandlerAnnotationBeanPostProcessor gtaskTaskHandlerAnnotationBeanPostProcessor() {
		return new TaskHandlerAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskRegistry taskRegistry() {
		return new TaskRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskMessageCodec taskMessageCodec(ObjectProvider<JsonMapper> jsonMapper) {
		return new TaskMessageCodec(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	/**
	 * The versions and upcasters of the application, checked as they are when it runs, so that
	 * its tests fail on what would fail its startup.
	 */
	@Bean
	@ConditionalOnMissingBean
	TaskVersions taskVersions(TaskRegistry registry, Environment environment, ListableBeanFactory beanFactory) {
		Map<String, Integer> tasks = Binder.get(environment)
			.bind("gtask.versions.tasks", Bindable.mapOf(String.class, Integer.class))
			.orElse(Map.of());
		return new TaskVersions(registry, tasks, () -> beanFactory.getBeansOfType(TaskUpcaster.class));
	}

	@Bean
	InProcessTasks inProcessTasks(TaskRegistry registry, TaskMessageCodec codec, TaskVersions versions,
			Environment environment) {
		Binder binder = Binder.get(environment);
		InProcessTasks tasks = new InProcessTasks(registry, codec,
				binder.bind("gtask.test.in-process.run", InProcessTasks.Run.class).orElse(InProcessTasks.Run.ON_DRAIN),
				binder.bind("gtask.default-queue", String.class).orElse("default"),
				binder.bind("gtask.task.max-retries", Integer.class).orElse(3),
				!"immediate".equalsIgnoreCase(binder.bind("gtask.send.in-transaction", String.class).orElse("")));
		tasks.setVersions(versions);
		return tasks;
	}

	@Bean
	@ConditionalOnMissingBean(TaskQueues.class)
	TaskQueues inProcessTaskQueues(InProcessTasks tasks) {
		return new InProcessQueues(tasks);
	}

	@Bean
	@ConditionalOnMissingBean(DeadLetters.class)
	DeadLetters inProcessDeadLetters(InProcessTasks tasks) {
		return new InProcessDeadLetters(tasks);
	}

}
