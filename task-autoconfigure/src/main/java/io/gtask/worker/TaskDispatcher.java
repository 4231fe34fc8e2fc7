package io.gtask.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.gtask.broker.Delivery;
import io.gtask.broker.TaskBroker;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Runs the deliveries the {@link QueuePollTask}s fetched on the worker executor, each as a
 * {@link TaskExecution} kept in the {@link InFlightTasks} until its delivery is settled, and
 * hands back to their queues the deliveries that do not run here: those the executor refused,
 * and at shutdown those whose handlers did not finish in time.
 */
final class TaskDispatcher {

	private static final LogAccessor logger = new LogAccessor(TaskDispatcher.class);

	private final TaskBroker broker;

	private final InFlightTasks inFlight;

	private final WorkerSlots slots;

	private final LocalPermits permits;

	private final ExecutionSupport support;

	private final AtomicLong poisonTasks;

	private volatile @Nullable Executor executor;

	private final @Nullable ThreadPoolExecutor ownExecutor;

	/**
	 * Create a dispatcher.
	 * @param broker the broker to hand deliveries back to
	 * @param executor the worker executor, or {@code null} to create one of
	 * {@link TaskContainerSettings#concurrency()} threads
	 * @param concurrency the number of worker slots
	 * @param inFlight the deliveries in flight
	 * @param slots the worker slots, one held by each delivery dispatched
	 * @param permits the per-instance permits, one held by each limited delivery dispatched
	 * @param support what executions work with
	 * @param poisonTasks counts the deliveries set aside as poison
	 */
	TaskDispatcher(TaskBroker broker, @Nullable Executor executor, int concurrency, InFlightTasks inFlight,
			WorkerSlots slots, LocalPermits permits, ExecutionSupport support, AtomicLong poisonTasks) {
		this.broker = broker;
		if (executor != null) {
			this.ownExecutor = null;
			this.executor = executor;
		}
		else {
			CustomizableThreadFactory threads = new CustomizableThreadFactory("gtask-worker-");
			// a handler that ignores its interrupt must not hold the JVM once its task is given up
			threads.setDaemon(true);
			this.ownExecutor = new ThreadPoolExecutor(concurrency, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
					new SynchronousQueue<>(), threads);
			this.executor = this.ownExecutor;
		}
		this.inFlight = inFlight;
		this.slots = slots;
		this.permits = permits;
		this.support = support;
		this.poisonTasks = poisonTasks;
	}

	/**
	 * Run a delivery that holds a slot and its permit.
	 * @param delivery the delivery
	 */
	void dispatch(Delivery delivery) {
		Executor executor = this.executor;
		if (executor == null) {
			this.permits.release(delivery);
			this.slots.release();
			handBack(List.of(delivery));
			return;
		}
		TaskExecution execution = new TaskExecution(delivery, this.support);
		this.inFlight.add(execution);
		try {
			executor.execute(execution);
		}
		catch (RejectedExecutionException ex) {
			this.inFlight.remove(delivery);
			this.slots.release();
			logger.warn(ex, () -> "Worker executor rejected a task of queue '" + delivery.queue()
					+ "'; handing it back to the queue");
			handBack(List.of(delivery));
		}
	}

	/**
	 * Set aside a delivery made more than {@code gtask.worker.max-deliveries} times, without
	 * running it.
	 * @param delivery the delivery
	 * @param maxDeliveries the deliveries allowed
	 */
	void poison(Delivery delivery, int maxDeliveries) {
		this.poisonTasks.incrementAndGet();
		this.support.finisher().poisoned(delivery, maxDeliveries);
	}

	/**
	 * Put deliveries back into their queues for any worker to run at once.
	 * @param deliveries the deliveries
	 */
	void handBack(List<Delivery> deliveries) {
		try {
			this.broker.handBack(deliveries);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not hand back " + deliveries.size()
					+ " task(s); they will be taken over after the visibility timeout");
		}
	}

	/**
	 * Hand back the deliveries whose tasks did not finish within the shutdown timeout, so that
	 * another worker runs them at once instead of after the visibility timeout. Their handlers
	 * are interrupted and whatever they do afterwards is ignored; a task is handed back only once
	 * its handler's thread has left it, so that it never runs on two workers at once. A handler
	 * still running {@link TaskExecution#ABANDON_GRACE} after the interrupt keeps its task, which
	 * another worker takes over after the visibility timeout.
	 * @param taskWaitMillis how long stopping waited for running tasks, for the log
	 */
	void handBackUnfinished(long taskWaitMillis) {
		List<TaskExecution> abandoned = new ArrayList<>();
		for (TaskExecution execution : this.inFlight.executions()) {
			if (execution.abandon()) {
				abandoned.add(execution);
			}
		}
		if (abandoned.isEmpty()) {
			return;
		}
		long graceEnd = System.nanoTime() + TaskExecution.ABANDON_GRACE.toNanos();
		List<Delivery> exited = new ArrayList<>();
		for (TaskExecution execution : abandoned) {
			Delivery delivery = execution.getDelivery();
			if (execution.awaitExit(graceEnd)) {
				exited.add(delivery);
			}
			else {
				this.support.abandonedThreads().atShutdown(execution);
			}
			this.inFlight.remove(delivery);
			// its outcome will never be reported, so its slot is given back here
			this.slots.release();
		}
		if (!exited.isEmpty()) {
			logger.warn(() -> "Handing back " + exited.size() + " task(s) still running after the shutdown timeout of "
					+ taskWaitMillis + " ms, for another worker to run");
			handBack(exited);
		}
	}

	/**
	 * Run nothing more: deliveries dispatched from now on are handed back, and the executor
	 * this dispatcher created is shut down, interrupting what still runs on it.
	 */
	void close() {
		if (this.ownExecutor != null) {
			this.ownExecutor.shutdownNow();
		}
		this.executor = null;
	}

}
