package io.gtask.worker;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.gtask.core.TaskLimit;
import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskRegistry;
import io.gtask.send.TaskRouter;

/**
 * What a container consumes and applies, worked out from its settings and its handlers when it
 * starts.
 *
 * @param queues the queues to consume: those configured, else those the router sends the
 * handlers' tasks to, and the default queue
 * @param limits the limits by task name: those declared on handlers, overridden by those
 * configured ({@code gtask.limits.*})
 * @param anyGlobalLimit whether a handler or the configuration declares a global limit, in which
 * case waiting tasks are admitted on every promotion tick
 */
record WorkerPlan(List<String> queues, Map<String, TaskLimit> limits, boolean anyGlobalLimit) {

	/**
	 * Work out the plan of a container.
	 * @param settings the container settings
	 * @param router the router, which tells the queues of the handlers' tasks
	 * @param registry the handlers
	 * @param configuredLimits the configured limits
	 * @param durable whether durable mode is on
	 * @return the plan
	 * @throws IllegalStateException if a handler commits manually without durable mode
	 */
	static WorkerPlan of(TaskContainerSettings settings, TaskRouter router, TaskRegistry registry,
			Map<String, TaskLimit> configuredLimits, boolean durable) {
		if (!durable) {
			for (TaskHandlerMethod handler : registry.getHandlers()) {
				if (handler.isManualCommit()) {
					throw new IllegalStateException("Handler of task '" + handler.getName() + "' commits manually, "
							+ "which needs durable mode (gtask.durable.enabled=true with gtask.backend.type=jdbc or "
							+ "mongo), so that tasks it never commits are found by the reaper");
				}
			}
		}
		Map<String, TaskLimit> limits = new HashMap<>();
		boolean global = false;
		for (TaskHandlerMethod handler : registry.getHandlers()) {
			if (handler.getLimit().isLimited()) {
				limits.put(handler.getName(), handler.getLimit());
			}
			global |= handler.getLimit().isGlobal();
		}
		for (TaskLimit limit : configuredLimits.values()) {
			global |= limit.isGlobal();
		}
		limits.putAll(configuredLimits);
		List<String> queues = settings.queues().isEmpty() ? router.handlerQueues() : settings.queues();
		return new WorkerPlan(queues, Map.copyOf(limits), global);
	}

}
