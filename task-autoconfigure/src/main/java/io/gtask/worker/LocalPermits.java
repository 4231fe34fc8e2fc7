package io.gtask.worker;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

import io.gtask.broker.Delivery;
import io.gtask.core.TaskLimit;
import org.jspecify.annotations.Nullable;

/**
 * The per-instance limits of task names ({@link TaskLimit#localConcurrency()}): a semaphore per
 * limited name, whose permit a delivery holds from its dispatch until its delivery is settled.
 */
final class LocalPermits {

	static final LocalPermits NONE = new LocalPermits(Map.of());

	private final Map<String, Semaphore> permits;

	LocalPermits(Map<String, TaskLimit> limits) {
		Map<String, Semaphore> permits = new HashMap<>();
		limits.forEach((name, limit) -> {
			if (limit.localConcurrency() > 0) {
				permits.put(name, new Semaphore(limit.localConcurrency()));
			}
		});
		this.permits = Map.copyOf(permits);
	}

	/**
	 * Take the permit of a delivery whose task name has a per-instance limit.
	 * @param delivery the delivery
	 * @return whether it may run here now: it has no such limit, or got a permit
	 */
	boolean tryAcquire(Delivery delivery) {
		Semaphore permits = permitsOf(delivery);
		return permits == null || permits.tryAcquire();
	}

	/**
	 * Give back the permit a delivery took, if its task name has a per-instance limit.
	 * @param delivery the delivery
	 */
	void release(Delivery delivery) {
		Semaphore permits = permitsOf(delivery);
		if (permits != null) {
			permits.release();
		}
	}

	private @Nullable Semaphore permitsOf(Delivery delivery) {
		return (delivery.limitedName() != null) ? this.permits.get(delivery.limitedName()) : null;
	}

	boolean isEmpty() {
		return this.permits.isEmpty();
	}

	/**
	 * The free permits of each limited task name.
	 * @return the free permits by task name
	 */
	Map<String, Integer> free() {
		Map<String, Integer> free = new HashMap<>();
		this.permits.forEach((name, permits) -> free.put(name, permits.availablePermits()));
		return free;
	}

}
