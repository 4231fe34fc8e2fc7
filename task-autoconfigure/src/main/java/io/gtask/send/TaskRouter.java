package io.gtask.send;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.gtask.core.TaskMessageRules;
import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Decides the queue of each task: the queue a sender names, else the configured route of the
 * task name ({@code gtask.routes}), else the queue of the local handler, else the default
 * queue. Senders, workers and the views of queues all ask this one router, so a task is
 * consumed where it is sent.
 * <p>
 * Handlers are read on each call, since they are registered while the context starts.
 */
public final class TaskRouter {

	private final String defaultQueue;

	private final Map<String, String> routes;

	private final TaskRegistry registry;

	/**
	 * Create a router.
	 * @param defaultQueue the queue of tasks that nothing else routes
	 * @param routes the queue of each task name
	 * @param registry the local task handlers, whose queues are used for names without a route
	 * @throws IllegalArgumentException if a queue name is invalid, naming it
	 */
	public TaskRouter(String defaultQueue, Map<String, String> routes, TaskRegistry registry) {
		this.defaultQueue = TaskMessageRules.validQueue(defaultQueue);
		routes.forEach((name, queue) -> {
			String problem = TaskMessageRules.queueProblem(queue);
			if (problem != null) {
				throw new IllegalArgumentException("Route of task '" + name + "': " + problem + " (gtask.routes)");
			}
		});
		this.routes = Map.copyOf(routes);
		this.registry = registry;
	}

	/**
	 * The queue of tasks that nothing else routes.
	 * @return the default queue
	 */
	public String getDefaultQueue() {
		return this.defaultQueue;
	}

	/**
	 * The queue of a task sent without one.
	 * @param name the task name
	 * @return its route, else the queue of its local handler, else the default queue
	 */
	public String queueOf(String name) {
		String routed = this.routes.get(name);
		if (routed != null) {
			return routed;
		}
		TaskHandlerMethod handler = this.registry.find(name);
		return (handler != null && handler.getQueue() != null) ? handler.getQueue() : this.defaultQueue;
	}

	/**
	 * The queue of a task.
	 * @param name the task name
	 * @param requested the queue the sender named, or {@code null}
	 * @return the queue, checked
	 * @throws IllegalArgumentException if the queue is not a valid name
	 */
	public String queueOf(String name, @Nullable String requested) {
		return TaskMessageRules.validQueue((requested != null) ? requested : queueOf(name));
	}

	/**
	 * The queues the local handlers are sent to: the default queue and the queue of each
	 * handler's name. This is what a worker consumes when it is not given its queues.
	 * @return the queues, the default one first
	 */
	public List<String> handlerQueues() {
		Set<String> queues = new LinkedHashSet<>();
		queues.add(this.defaultQueue);
		for (TaskHandlerMethod handler : this.registry.getHandlers()) {
			queues.add(queueOf(handler.getName()));
		}
		return List.copyOf(queues);
	}

	/**
	 * Every queue this application knows of: the default queue, the given ones, the routed ones
	 * and those the local handlers name.
	 * @param configured queues named in configuration, such as those a worker consumes
	 * @return the queues, the default one first
	 */
	public List<String> knownQueues(Collection<String> configured) {
		Set<String> queues = new LinkedHashSet<>();
		queues.add(this.defaultQueue);
		queues.addAll(configured);
		queues.addAll(this.routes.values());
		for (TaskHandlerMethod handler : this.registry.getHandlers()) {
			if (handler.getQueue() != null) {
				queues.add(handler.getQueue());
			}
		}
		return List.copyOf(queues);
	}

}
