package io.gtask.worker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.gtask.broker.Delivery;
import io.gtask.core.TaskMessage;
import org.springframework.core.log.LogAccessor;

/**
 * Counts the handler threads that ignored their interrupt, and says so in the log: such a
 * thread keeps running while its slot goes to the next task.
 */
final class AbandonedThreads {

	private static final LogAccessor logger = new LogAccessor(AbandonedThreads.class);

	private final AtomicLong count = new AtomicLong();

	private final Duration visibilityTimeout;

	/**
	 * Create a counter.
	 * @param visibilityTimeout after which another worker takes over a task whose handler
	 * ignored the interrupt of shutdown
	 */
	AbandonedThreads(Duration visibilityTimeout) {
		this.visibilityTimeout = visibilityTimeout;
	}

	long count() {
		return this.count.get();
	}

	/**
	 * A handler still runs {@link TaskExecution#ABANDON_GRACE} after the interrupt of its
	 * timeout or cancellation.
	 */
	void afterTimeout(Thread thread, TaskMessage message) {
		long count = this.count.incrementAndGet();
		logger.warn(() -> "Handler of task '" + message.name() + "' (" + message.id() + ") still runs on thread "
				+ thread.getName() + " " + TaskExecution.ABANDON_GRACE.toMillis()
				+ " ms after its timeout interrupted it; its slot went to the next task (" + count
				+ " such thread(s) so far). Handlers should respond to interruption or check TaskContext.isCancelled()");
	}

	/**
	 * A handler still runs {@link TaskExecution#ABANDON_GRACE} after the interrupt of shutdown,
	 * so its task is not handed back.
	 */
	void atShutdown(TaskExecution execution) {
		this.count.incrementAndGet();
		Delivery delivery = execution.getDelivery();
		Thread thread = execution.getThread();
		logger.warn(() -> "Task " + ((execution.getTaskId() != null) ? execution.getTaskId() : delivery.deliveryId())
				+ " of queue '" + delivery.queue() + "' still runs after its interrupt on thread "
				+ ((thread != null) ? thread.getName() : "?") + "; it is not handed back, so that it never runs "
				+ "twice at once: another worker takes it over after gtask.worker.visibility-timeout ("
				+ this.visibilityTimeout.toMillis() + " ms). Handlers should respond to interruption");
	}

}
