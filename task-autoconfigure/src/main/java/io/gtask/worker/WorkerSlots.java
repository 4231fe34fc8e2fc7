package io.gtask.worker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The worker slots of a container: one per task it may run at once. A fetcher takes slots
 * before it fetches, never more than are free, and a slot is given back once the outcome of its
 * task is handed to the writer, or when its delivery does not run after all.
 * <p>
 * Concurrency is bounded by these slots rather than by the thread count: a handler that ignores
 * the interrupt of its timeout keeps its thread, but its slot goes to the next task.
 */
final class WorkerSlots {

	private final int concurrency;

	private final Semaphore slots;

	private volatile @Nullable SlotArbiter arbiter;

	WorkerSlots(int concurrency) {
		this.concurrency = concurrency;
		this.slots = new Semaphore(concurrency);
	}

	/**
	 * Share the slots among the queues a container consumes from now on.
	 * @param queues the queues
	 * @param order strict or weighted
	 * @param weights the weight of each queue in weighted order
	 */
	void share(List<String> queues, QueueOrder order, Map<String, Integer> weights) {
		this.arbiter = new SlotArbiter(this.slots, order, queues, weights);
	}

	/**
	 * Wait for the turn of a queue to fetch and take the slots of the turn.
	 * @return how many slots the turn took, 0 if no turn came in time
	 * @see SlotArbiter#awaitTurn(String, long, int)
	 */
	int awaitTurn(String queue, long maxWaitMillis, int batchSize) throws InterruptedException {
		SlotArbiter arbiter = this.arbiter;
		return (arbiter != null) ? arbiter.awaitTurn(queue, maxWaitMillis, batchSize) : 0;
	}

	/**
	 * Record whether the last fetch of a queue found nothing.
	 * @see SlotArbiter#fetched(String, boolean)
	 */
	void fetched(String queue, boolean empty) {
		SlotArbiter arbiter = this.arbiter;
		if (arbiter != null) {
			arbiter.fetched(queue, empty);
		}
	}

	/**
	 * Take one slot, waiting for as long as it is still wanted.
	 * @param wanted whether the slot is still wanted, asked every 100 ms
	 * @return whether a slot was taken
	 */
	boolean take(BooleanSupplier wanted) throws InterruptedException {
		while (!this.slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
			if (!wanted.getAsBoolean()) {
				return false;
			}
		}
		return true;
	}

	void release() {
		this.slots.release();
		signal();
	}

	void release(int count) {
		if (count <= 0) {
			return;
		}
		this.slots.release(count);
		signal();
	}

	private void signal() {
		SlotArbiter arbiter = this.arbiter;
		if (arbiter != null) {
			arbiter.released();
		}
	}

	/**
	 * Number of slots taken now.
	 * @return the count
	 */
	int active() {
		return this.concurrency - this.slots.availablePermits();
	}

	/**
	 * Wait until every slot is free.
	 * @param deadline the end of the wait, by {@link System#nanoTime()}
	 * @return whether every slot was free in time
	 */
	boolean awaitIdle(long deadline) {
		try {
			if (this.slots.tryAcquire(this.concurrency, Math.max(0, deadline - System.nanoTime()),
					TimeUnit.NANOSECONDS)) {
				this.slots.release(this.concurrency);
				return true;
			}
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
