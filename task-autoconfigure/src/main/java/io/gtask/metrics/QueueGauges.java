package io.gtask.metrics;

import java.time.Duration;
import java.util.function.ToLongFunction;

import io.gtask.core.QueueInfo;
import io.gtask.core.TaskQueues;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

/**
 * Gauges of what one queue holds, read from a snapshot of the queue that is taken again at most
 * once per refresh interval, so that a scrape costs one Redis script per queue at most. When
 * Redis cannot be read the gauges report {@code NaN}.
 */
final class QueueGauges implements MeterBinder {

	private static final LogAccessor logger = new LogAccessor(QueueGauges.class);

	private final String queue;

	private final TaskQueues queues;

	private final long refreshNanos;

	private @Nullable QueueInfo snapshot;

	private long readAt;

	private boolean read;

	QueueGauges(String queue, TaskQueues queues, Duration refreshInterval) {
		this.queue = queue;
		this.queues = queues;
		this.refreshNanos = refreshInterval.toNanos();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		gauge(registry, "gtask.queue.pending", "Tasks ready to run and not yet fetched", QueueInfo::pending);
		gauge(registry, "gtask.queue.in_flight", "Tasks fetched by a worker and not yet acknowledged",
				QueueInfo::inFlight);
		gauge(registry, "gtask.queue.delayed", "Tasks waiting for their due time", QueueInfo::delayed);
		gauge(registry, "gtask.queue.waiting", "Tasks held back by a concurrency or rate limit", QueueInfo::waiting);
		gauge(registry, "gtask.queue.dead", "Dead letters kept for the queue", QueueInfo::dead);
	}

	private void gauge(MeterRegistry registry, String name, String description, ToLongFunction<QueueInfo> value) {
		Gauge.builder(name, this, (gauges) -> gauges.value(value))
			.description(description)
			.tag("queue", this.queue)
			.strongReference(true)
			.register(registry);
	}

	double value(ToLongFunction<QueueInfo> value) {
		QueueInfo info = snapshot();
		return (info != null) ? value.applyAsLong(info) : Double.NaN;
	}

	private synchronized @Nullable QueueInfo snapshot() {
		long now = System.nanoTime();
		if (!this.read || now - this.readAt >= this.refreshNanos) {
			this.read = true;
			this.readAt = now;
			try {
				this.snapshot = this.queues.info(this.queue);
			}
			catch (RuntimeException ex) {
				this.snapshot = null;
				logger.debug(ex, () -> "Could not read the size of queue '" + this.queue + "' for its gauges");
			}
		}
		return this.snapshot;
	}

}
