package io.gtask.autoconfigure;

import java.util.List;
import java.util.function.Supplier;

import io.gtask.registry.TaskRegistry;
import io.gtask.send.TaskRouter;
import io.gtask.worker.TaskContainer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The queues this instance knows: those its worker consumes once started, otherwise those the
 * {@link TaskRouter} knows with the queues the worker is configured to consume. Read on each
 * call because handlers are registered while the context starts.
 */
final class KnownQueues implements Supplier<List<String>> {

	private final TaskRouter router;

	private final List<String> configured;

	private final @Nullable TaskContainer container;

	KnownQueues(TaskRouter router, List<String> configured, @Nullable TaskContainer container) {
		this.router = router;
		this.configured = List.copyOf(configured);
		this.container = container;
	}

	/**
	 * The known queues of an application context, with its router or, when it has none, one
	 * made from the properties.
	 */
	static KnownQueues of(ObjectProvider<TaskRouter> router, GTaskProperties properties, TaskRegistry registry,
			@Nullable TaskContainer container) {
		return new KnownQueues(router.getIfAvailable(() -> GTaskAutoConfiguration.router(properties, registry)),
				properties.getWorker().getQueues(), container);
	}

	@Override
	public List<String> get() {
		if (this.container != null && !this.container.getQueues().isEmpty()) {
			return this.container.getQueues();
		}
		return this.router.knownQueues(this.configured);
	}

}
