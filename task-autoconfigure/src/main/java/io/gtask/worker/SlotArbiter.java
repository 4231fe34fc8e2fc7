package io.gtask.worker;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * Decides which queue's fetcher may take free worker slots next, when a container consumes
 * several queues: in strict order, or drawn by weight among the queues that have work.
 * <p>
 * A fetcher asks for a turn only while its queue has tasks; a fetcher waiting on an empty queue
 * holds no turn, so the slots go to the queues that can use them.
 */
final class SlotArbiter {

	private final Semaphore slots;

	private final QueueOrder order;

	private final List<String> queues;

	private final Map<String, Integer> weights;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final Set<String> waiting = new LinkedHashSet<>();

	private @Nullable String chosen;

	private final Set<String> idle = new java.util.HashSet<>();

	SlotArbiter(Semaphore slots, QueueOrder order, List<String> queues, Map<String, Integer> weights) {
		this.slots = slots;
		this.order = order;
		this.queues = List.copyOf(queues);
		this.weights = Map.copyOf(weights);
	}

	/**
	 * Wait for a turn of a queue to fetch, and take the slots of the turn. The caller gives
	 * back the slots it does not use.
	 * @param queue the queue
	 * @param maxWaitMillis how long to wait
	 * @param batchSize the most slots one turn may take
	 * @return how many slots the turn took, or 0 if no turn came in time
	 */
	int awaitTurn(String queue, long maxWaitMillis, int batchSize) throws InterruptedException {
		if (this.queues.size() == 1) {
			if (!this.slots.tryAcquire(maxWaitMillis, TimeUnit.MILLISECONDS)) {
				return 0;
			}
			int extra = Math.min(batchSize - 1, this.slots.availablePermits());
			return (extra > 0 && this.slots.tryAcquire(extra)) ? extra + 1 : 1;
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
		this.lock.lockInterruptibly();
		try {
			this.waiting.add(queue);
			while (true) {
				int free = this.slots.availablePermits();
				if (free > 0) {
					if (this.chosen == null || !this.waiting.contains(this.chosen)) {
						this.chosen = choose();
					}
					if (queue.equals(this.chosen)) {
						int share = share(queue, free, batchSize);
						if (!this.slots.tryAcquire(share)) {
							continue;
						}
						this.chosen = null;
						this.waiting.remove(queue);
						this.changed.signalAll();
						return share;
					}
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					this.waiting.remove(queue);
					if (queue.equals(this.chosen)) {
						this.chosen = null;
					}
					this.changed.signalAll();
					return 0;
				}
				this.changed.awaitNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(50)));
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Slots a turn may use: in weighted order, a share of the free slots in proportion to the
	 * weight of the queue among the queues waiting, so that one turn does not take them all.
	 */
	private int share(String queue, int free, int batchSize) {
		if (this.order == QueueOrder.STRICT || this.waiting.size() <= 1) {
			return Math.min(batchSize, free);
		}
		int total = 0;
		for (String waiting : this.waiting) {
			total += weight(waiting);
		}
		int share = (int) Math.ceil((double) free * weight(queue) / Math.max(1, total));
		return Math.max(1, Math.min(batchSize, share));
	}

	private @Nullable String choose() {
		if (this.waiting.isEmpty()) {
			return null;
		}
		if (this.order == QueueOrder.STRICT) {
			for (String queue : this.queues) {
				if (this.waiting.contains(queue)) {
					return queue;
				}
				if (!this.idle.contains(queue)) {
					// it may have tasks and its fetcher is on its way: the later queues wait
					return null;
				}
			}
			return this.waiting.iterator().next();
		}
		List<String> candidates = new ArrayList<>(this.waiting);
		int total = 0;
		for (String queue : candidates) {
			total += weight(queue);
		}
		int draw = ThreadLocalRandom.current().nextInt(Math.max(1, total));
		for (String queue : candidates) {
			draw -= weight(queue);
			if (draw < 0) {
				return queue;
			}
		}
		return candidates.get(candidates.size() - 1);
	}

	private int weight(String queue) {
		return Math.max(1, this.weights.getOrDefault(queue, 1));
	}

	/**
	 * Record whether a queue's last fetch found nothing, which in strict order lets the queues
	 * after it have turns while its fetcher waits for tasks.
	 * @param queue the queue
	 * @param empty whether the fetch found nothing
	 */
	void fetched(String queue, boolean empty) {
		if (this.queues.size() == 1 || this.order != QueueOrder.STRICT) {
			return;
		}
		this.lock.lock();
		try {
			boolean changed = empty ? this.idle.add(queue) : this.idle.remove(queue);
			if (changed) {
				this.changed.signalAll();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Tell waiting fetchers that slots were freed.
	 */
	void released() {
		if (this.queues.size() == 1) {
			return;
		}
		this.lock.lock();
		try {
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

}
