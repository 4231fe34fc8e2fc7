package io.gtask.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gtask.broker.Delivery;
import io.gtask.broker.TaskBroker;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

/**
 * Fetches from one queue for as long as it is not cancelled, on a thread of its own
 * ({@code gtask-fetch-<queue>}), as Spring Data Redis's {@code StreamPollTask} does for a stream. It holds no slot while it waits on an empty queue, so that the
 * fetchers of other queues can fill the free slots; when its queue has a turn it asks for no
 * more messages than the slots it took, takes a slot for each message before running it, and
 * gives back the slots left over.
 * <p>
 * Deliveries made too often are set aside as poison, those over a per-instance limit are
 * deferred to the task's waiting list, and those fetched but not started when the task is
 * cancelled are handed back.
 */
final class QueuePollTask implements Runnable {

	private static final LogAccessor logger = new LogAccessor(QueuePollTask.class);

	private final String queue;

	private final TaskBroker broker;

	private final TaskContainerSettings settings;

	private final WorkerSlots slots;

	private final LocalPermits permits;

	private final TaskDispatcher dispatcher;

	private volatile boolean running = true;

	private @Nullable Thread thread;

	/**
	 * Create a poll task.
	 * @param queue the queue to fetch from
	 * @param broker the broker
	 * @param settings the container settings
	 * @param slots the worker slots
	 * @param permits the per-instance permits
	 * @param dispatcher runs what is fetched
	 */
	QueuePollTask(String queue, TaskBroker broker, TaskContainerSettings settings, WorkerSlots slots,
			LocalPermits permits, TaskDispatcher dispatcher) {
		this.queue = queue;
		this.broker = broker;
		this.settings = settings;
		this.slots = slots;
		this.permits = permits;
		this.dispatcher = dispatcher;
	}

	/**
	 * Start fetching on a thread of its own.
	 */
	void start() {
		Thread thread = new Thread(this, "gtask-fetch-" + this.queue);
		this.thread = thread;
		thread.start();
	}

	/**
	 * Stop fetching; what was fetched and not started is handed back within a poll.
	 */
	void cancel() {
		this.running = false;
	}

	/**
	 * Wait for the thread to end after {@link #cancel()}.
	 * @param timeout how long to wait at most
	 */
	void awaitExit(Duration timeout) {
		Thread thread = this.thread;
		if (thread != null) {
			try {
				thread.join(timeout.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public void run() {
		TaskBroker.Consumer consumer = this.broker.consumer(this.queue, this.settings.consumerName());
		boolean failing = false;
		try {
			while (this.running) {
				try {
					int max = this.slots.awaitTurn(this.queue, 100, this.settings.batchSize());
					if (max <= 0) {
						continue;
					}
					List<Delivery> deliveries;
					try {
						deliveries = consumer.fetch(max);
					}
					catch (RuntimeException ex) {
						this.slots.release(max);
						throw ex;
					}
					this.slots.fetched(this.queue, deliveries.isEmpty());
					if (failing) {
						failing = false;
						logger.info(() -> "Fetching from queue '" + this.queue + "' works again");
					}
					if (deliveries.isEmpty()) {
						// wait for tasks holding no slot, so that other queues can use them meanwhile
						this.slots.release(max);
						consumer.awaitMessages(this.settings.pollTimeout());
						continue;
					}
					dispatchAll(deliveries, max);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				catch (RuntimeException ex) {
					if (!failing) {
						failing = true;
						logger.warn(ex, () -> "Could not fetch from queue '" + this.queue
								+ "'; retrying until Redis answers");
					}
					pause(1000);
				}
			}
		}
		finally {
			consumer.close();
		}
	}

	/**
	 * Run fetched deliveries on the slots taken for them, taking more if needed, and give
	 * back the slots left over.
	 */
	private void dispatchAll(List<Delivery> deliveries, int slotsHeld) throws InterruptedException {
		List<Delivery> deferred = new ArrayList<>();
		int held = slotsHeld;
		try {
			for (int i = 0; i < deliveries.size(); i++) {
				Delivery delivery = deliveries.get(i);
				if (delivery.deliveryCount() > this.settings.maxDeliveries()) {
					this.dispatcher.poison(delivery, this.settings.maxDeliveries());
					continue;
				}
				boolean slot = this.running && (held > 0 || this.slots.take(() -> this.running));
				if (slot && held > 0) {
					held--;
				}
				if (!slot) {
					// stopping: fetched but not started, so another worker may take them at once
					List<Delivery> notStarted = deliveries.subList(i, deliveries.size());
					logger.info(() -> "Handing back " + notStarted.size() + " fetched task(s) not started before stopping");
					this.dispatcher.handBack(notStarted);
					return;
				}
				if (!this.permits.tryAcquire(delivery)) {
					// this instance runs as many of these as it may: another instance, or this one later
					this.slots.release();
					deferred.add(delivery);
					continue;
				}
				this.dispatcher.dispatch(delivery);
			}
		}
		finally {
			this.slots.release(held);
			defer(deferred);
		}
	}

	private void defer(List<Delivery> deliveries) {
		if (deliveries.isEmpty()) {
			return;
		}
		try {
			this.broker.defer(deliveries);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not set aside " + deliveries.size()
					+ " task(s) over their per-instance limit; they will be taken over after the visibility timeout");
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
