package io.gtask.registry;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.gtask.core.TaskHandlerDefinitionException;
import org.jspecify.annotations.Nullable;

/**
 * The task handlers known to this application, by task name.
 */
public class TaskRegistry {

	private final Map<String, TaskHandlerMethod> handlers = new ConcurrentHashMap<>();

	/**
	 * Register a handler.
	 * @param handler the handler
	 * @throws TaskHandlerDefinitionException if another handler has the same name
	 */
	public void register(TaskHandlerMethod handler) {
		TaskHandlerMethod existing = this.handlers.putIfAbsent(handler.getName(), handler);
		if (existing != null) {
			throw new TaskHandlerDefinitionException("Duplicate task name '" + handler.getName() + "': "
					+ existing.getMethod().toGenericString() + " and " + handler.getMethod().toGenericString());
		}
	}

	/**
	 * Find the handler of a task.
	 * @param name the task name
	 * @return the handler or {@code null}
	 */
	public @Nullable TaskHandlerMethod find(String name) {
		return this.handlers.get(name);
	}

	/**
	 * All registered handlers.
	 * @return the handlers
	 */
	public Collection<TaskHandlerMethod> getHandlers() {
		return Collections.unmodifiableCollection(this.handlers.values());
	}

}
