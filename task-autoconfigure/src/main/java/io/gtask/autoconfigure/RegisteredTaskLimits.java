package io.gtask.autoconfigure;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.gtask.core.TaskLimit;
import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskRegistry;

/**
 * The limits of task names that the broker applies: those declared on handlers, overridden by
 * those configured with {@code gtask.limits.*}, as the container merges them. Handlers are
 * registered while the application starts, so the merge is done again whenever their number
 * changed, and the same map is answered otherwise.
 */
final class RegisteredTaskLimits implements Supplier<Map<String, TaskLimit>> {

	private final TaskRegistry registry;

	private final Map<String, TaskLimit> configured;

	private volatile Merged merged = new Merged(-1, Map.of());

	RegisteredTaskLimits(TaskRegistry registry, Map<String, TaskLimit> configured) {
		this.registry = registry;
		this.configured = Map.copyOf(configured);
	}

	@Override
	public Map<String, TaskLimit> get() {
		int handlers = this.registry.getHandlers().size();
		Merged merged = this.merged;
		if (merged.handlers() != handlers) {
			merged = new Merged(handlers, merge());
			this.merged = merged;
		}
		return merged.limits();
	}

	private Map<String, TaskLimit> merge() {
		Map<String, TaskLimit> limits = new HashMap<>();
		for (TaskHandlerMethod handler : this.registry.getHandlers()) {
			if (handler.getLimit().isLimited()) {
				limits.put(handler.getName(), handler.getLimit());
			}
		}
		limits.putAll(this.configured);
		return Map.copyOf(limits);
	}

	private record Merged(int handlers, Map<String, TaskLimit> limits) {
	}

}
