package io.gtask.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.gtask.broker.TaskBroker;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Keeps the claims of a container alive, on a thread of its own ({@code gtask-recovery-}),
 * every {@link #interval(TaskContainerSettings) recovery interval}: it renews the claims and
 * limit permits of the deliveries in flight, tells each queue that this consumer lives, puts
 * back into their queues the deliveries that dead consumers left idle for longer than the
 * visibility timeout, and describes the worker in the {@link WorkerRegistry}.
 * <p>
 * Stopping is done in steps: heartbeats stop first, so that the worker is not listed again once
 * it leaves, while claims are renewed until the tasks still running are handed back.
 */
final class ClaimKeeper {

	private static final LogAccessor logger = new LogAccessor(ClaimKeeper.class);

	private final TaskBroker broker;

	private static final long REGISTRATION_WAIT_SECONDS = 5;

	private final TaskContainerSettings settings;

	private final InFlightTasks inFlight;

	private final @Nullable WorkerRegistry workerRegistry;

	private final List<String> queues;

	private final Instant startedAt;

	private final Clock clock;

	private volatile boolean heartbeating;

	/**
	 * Held while this worker is written to or removed from the worker registry, so that a
	 * heartbeat under way when the worker stops lands before its removal, never after.
	 */
	private final ReentrantLock registration = new ReentrantLock();

	private @Nullable ScheduledThreadPoolExecutor executor;

	ClaimKeeper(TaskBroker broker, TaskContainerSettings settings, InFlightTasks inFlight,
			@Nullable WorkerRegistry workerRegistry, List<String> queues, Instant startedAt, Clock clock) {
		this.broker = broker;
		this.settings = settings;
		this.inFlight = inFlight;
		this.workerRegistry = workerRegistry;
		this.queues = List.copyOf(queues);
		this.startedAt = startedAt;
		this.clock = clock;
	}

	/**
	 * How often claims are renewed: the reclaim interval, at most a third of the visibility
	 * timeout.
	 * @param settings the container settings
	 * @return the interval
	 */
	static Duration interval(TaskContainerSettings settings) {
		return Duration.ofMillis(
				Math.min(settings.reclaimInterval().toMillis(), settings.visibilityTimeout().toMillis() / 3));
	}

	void start() {
		this.heartbeating = true;
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
				new CustomizableThreadFactory("gtask-recovery-"));
		long interval = interval(this.settings).toMillis();
		executor.scheduleWithFixedDelay(this::keep, 0, interval, TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	/**
	 * Stop telling the queues and the worker registry that this worker lives, and stop putting
	 * back abandoned deliveries; claims are still renewed.
	 */
	void stopHeartbeats() {
		this.heartbeating = false;
	}

	/**
	 * Remove this worker from the worker registry.
	 */
	void unregister() {
		this.heartbeating = false;
		WorkerRegistry registry = this.workerRegistry;
		if (registry == null) {
			return;
		}
		boolean locked = false;
		try {
			// bounded: a heartbeat stuck on an unreachable registry must not hold up the stop
			locked = this.registration.tryLock(REGISTRATION_WAIT_SECONDS, TimeUnit.SECONDS);
			registry.unregister(this.settings.consumerName());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.debug(ex, "Could not remove this worker from the worker registry; it expires on its own");
		}
		finally {
			if (locked) {
				this.registration.unlock();
			}
		}
	}

	/**
	 * Stop renewing claims, waiting for a renewal under way to end.
	 */
	void stop() {
		ScheduledThreadPoolExecutor executor = this.executor;
		this.executor = null;
		if (executor != null) {
			executor.shutdownNow();
			try {
				executor.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void keep() {
		try {
			this.broker.keepAlive(this.inFlight.deliveries(), this.settings.consumerName());
			Duration ttl = interval(this.settings).multipliedBy(3).plusSeconds(1);
			for (String queue : this.queues) {
				if (!this.heartbeating) {
					return;
				}
				this.broker.heartbeat(queue, this.settings.consumerName(), ttl);
				int reclaimed = this.broker.reclaim(queue, this.settings.visibilityTimeout(), 1000);
				if (reclaimed > 0) {
					logger.info(() -> "Put back " + reclaimed + " task(s) of queue '" + queue
							+ "' left unfinished by a worker that stopped answering");
				}
			}
			register(ttl);
		}
		catch (RuntimeException ex) {
			logger.debug(ex, "Could not look for abandoned tasks; will try again");
		}
	}

	private void register(Duration ttl) {
		WorkerRegistry registry = this.workerRegistry;
		if (registry == null) {
			return;
		}
		this.registration.lock();
		try {
			if (this.heartbeating) {
				Instant now = this.clock.instant();
				registry.register(new WorkerInfo(this.settings.consumerName(), WorkerHost.NAME,
						ProcessHandle.current().pid(), this.settings.concurrency(), this.queues, this.startedAt, now,
						now.plus(ttl)));
			}
		}
		finally {
			this.registration.unlock();
		}
	}

}
