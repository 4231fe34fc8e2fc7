package io.gtask.worker;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.gtask.broker.Delivery;
import org.jspecify.annotations.Nullable;

/**
 * The deliveries a container has dispatched and not yet settled, with their executions: what
 * its claims are renewed for, where a cancellation looks for its task, and what is handed back
 * at shutdown.
 */
final class InFlightTasks {

	private final Map<Delivery, TaskExecution> executions = new ConcurrentHashMap<>();

	private volatile LocalPermits permits = LocalPermits.NONE;

	/**
	 * Set the per-instance permits that the deliveries dispatched from now on hold.
	 * @param permits the permits
	 */
	void usePermits(LocalPermits permits) {
		this.permits = permits;
	}

	void add(TaskExecution execution) {
		this.executions.put(execution.getDelivery(), execution);
	}

	/**
	 * Forget a delivery, settled or not run after all, and give back its per-instance permit.
	 * @param delivery the delivery
	 * @return whether it was in flight
	 */
	boolean remove(Delivery delivery) {
		if (this.executions.remove(delivery) == null) {
			return false;
		}
		this.permits.release(delivery);
		return true;
	}

	/**
	 * The execution of a task, if it is in flight here.
	 * @param taskId the task id
	 * @return the execution, or {@code null}
	 */
	@Nullable TaskExecution find(String taskId) {
		for (TaskExecution execution : this.executions.values()) {
			if (taskId.equals(execution.getTaskId())) {
				return execution;
			}
		}
		return null;
	}

	List<Delivery> deliveries() {
		return List.copyOf(this.executions.keySet());
	}

	Collection<TaskExecution> executions() {
		return this.executions.values();
	}

}
