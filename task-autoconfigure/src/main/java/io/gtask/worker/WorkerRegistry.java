package io.gtask.worker;

import java.time.Instant;
import java.util.List;

/**
 * Where workers describe themselves, so that any instance can list the workers of all
 * instances: each running {@link TaskContainer} writes its {@link WorkerInfo} with every
 * heartbeat, and a worker that stops doing so is forgotten once its
 * {@link WorkerInfo#aliveUntil()} has passed.
 */
public interface WorkerRegistry {

	/**
	 * Write or renew the description of a worker.
	 * @param worker the worker
	 */
	void register(WorkerInfo worker);

	/**
	 * Forget a worker that stops.
	 * @param name the consumer name
	 */
	void unregister(String name);

	/**
	 * The workers alive at a time, by name.
	 * @param now the time
	 * @return the workers
	 */
	List<WorkerInfo> workers(Instant now);

}
