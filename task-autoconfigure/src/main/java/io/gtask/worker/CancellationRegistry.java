package io.gtask.worker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.gtask.broker.TaskBroker;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

/**
 * Where cancellations requested by {@code TaskClient.cancel} reach the tasks a container runs:
 * it listens for requests, cancels the execution of a task in flight here, and remembers a
 * request for a task not found running for a minute, since a task fetched just before its
 * cancellation was requested may not have been read yet: it is then stopped before it starts.
 */
final class CancellationRegistry {

	private static final LogAccessor logger = new LogAccessor(CancellationRegistry.class);

	private static final Duration REQUEST_MEMORY = Duration.ofMinutes(1);

	private final InFlightTasks inFlight;

	/**
	 * Requests for tasks not found running here, by task id, with the time they are forgotten
	 * (by {@link System#nanoTime()}).
	 */
	private final Map<String, Long> requests = new ConcurrentHashMap<>();

	private @Nullable AutoCloseable subscription;

	CancellationRegistry(InFlightTasks inFlight) {
		this.inFlight = inFlight;
	}

	/**
	 * Listen for the cancellation requests the broker passes on.
	 * @param broker the broker
	 */
	void listen(TaskBroker broker) {
		try {
			this.subscription = broker.onCancellation(this::cancel);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, "Could not listen for cancellation requests; running tasks cannot be cancelled");
		}
	}

	/**
	 * Cancel a task if it runs here, or remember the request.
	 * @param taskId the task id
	 * @return whether the task ran here and was cancelled
	 */
	boolean cancel(String taskId) {
		TaskExecution execution = this.inFlight.find(taskId);
		if (execution != null) {
			return execution.cancel();
		}
		long now = System.nanoTime();
		this.requests.values().removeIf((until) -> until - now < 0);
		this.requests.put(taskId, now + REQUEST_MEMORY.toNanos());
		return false;
	}

	/**
	 * Whether a cancellation was requested for a task before it was read; the request is
	 * forgotten once asked for.
	 * @param taskId the task id
	 * @return whether it was requested
	 */
	boolean isRequested(String taskId) {
		Long until = this.requests.remove(taskId);
		return until != null && until - System.nanoTime() > 0;
	}

	/**
	 * Stop listening for cancellation requests.
	 */
	void close() {
		AutoCloseable subscription = this.subscription;
		this.subscription = null;
		if (subscription != null) {
			try {
				subscription.close();
			}
			catch (Exception ex) {
				logger.debug(ex, "Could not stop listening for cancellation requests");
			}
		}
	}

}
