package io.gtask.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskRegistry;
import io.gtask.worker.TaskContainer;
import org.jspecify.annotations.Nullable;

/**
 * The queues this instance knows: those its worker consumes once started, otherwise the
 * default queue, the configured queues and routes, and the queues handlers name. Read on each
 * call because handlers are registered while the context starts.
 */
final class KnownQueues implements Supplier<List<String>> {

	private final GTaskProperties properties;

	private final TaskRegistry registry;

	private final @Nullable TaskContainer container;

	KnownQueues(GTaskProperties properties, TaskRegistry registry, @Nullable TaskContainer container) {
		this.properties = properties;
		this.registry = registry;
		this.container = container;
	}

	@Override
	public List<String> get() {
		if (this.container != null && !this.container.getQueues().isEmpty()) {
			return this.container.getQueues();
		}
		Set<String> queues = new LinkedHashSet<>();
		queues.add(this.properties.getDefaultQueue());
		queues.addAll(this.properties.getWorker().getQueues());
		queues.addAll(this.properties.getRoutes().values());
		for (TaskHandlerMethod handler : this.registry.getHandlers()) {
			if (handler.getQueue() != null) {
				queues.add(handler.getQueue());
			}
		}
		return List.copyOf(queues);
	}

}
