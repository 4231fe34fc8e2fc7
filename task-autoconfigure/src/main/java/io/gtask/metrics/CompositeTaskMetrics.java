package io.gtask.metrics;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

/**
 * {@link TaskMetrics} that tell several others, in order. One that throws does not keep the
 * others from being told, nor the task from being sent or run: its failure is logged, as a
 * warning the first time and at debug level after that, so that a broken recorder cannot flood
 * the log once per task.
 */
public final class CompositeTaskMetrics implements TaskMetrics {

	private static final LogAccessor logger = new LogAccessor(CompositeTaskMetrics.class);

	private final Delegate[] delegates;

	/**
	 * Create metrics that tell the given ones.
	 * @param delegates the metrics to tell, in order
	 */
	public CompositeTaskMetrics(List<? extends TaskMetrics> delegates) {
		this.delegates = delegates.stream().map(Delegate::new).toArray(Delegate[]::new);
	}

	// a loop in each method rather than one taking a lambda: no allocation per task

	@Override
	public void sent(String queue, String task) {
		for (Delegate delegate : this.delegates) {
			try {
				delegate.metrics.sent(queue, task);
			}
			catch (RuntimeException ex) {
				delegate.failed(ex);
			}
		}
	}

	@Override
	public void sent(String queue, String task, TaskOrigin origin) {
		for (Delegate delegate : this.delegates) {
			try {
				delegate.metrics.sent(queue, task, origin);
			}
			catch (RuntimeException ex) {
				delegate.failed(ex);
			}
		}
	}

	@Override
	public void started(String queue, String task, long waitNanos) {
		for (Delegate delegate : this.delegates) {
			try {
				delegate.metrics.started(queue, task, waitNanos);
			}
			catch (RuntimeException ex) {
				delegate.failed(ex);
			}
		}
	}

	@Override
	public void finished(String queue, String task, TaskOutcome outcome, long durationNanos) {
		for (Delegate delegate : this.delegates) {
			try {
				delegate.metrics.finished(queue, task, outcome, durationNanos);
			}
			catch (RuntimeException ex) {
				delegate.failed(ex);
			}
		}
	}

	@Override
	public void deadLettered(String queue, @Nullable String task) {
		for (Delegate delegate : this.delegates) {
			try {
				delegate.metrics.deadLettered(queue, task);
			}
			catch (RuntimeException ex) {
				delegate.failed(ex);
			}
		}
	}

	@Override
	public void flowStarted(String kind) {
		for (Delegate delegate : this.delegates) {
			try {
				delegate.metrics.flowStarted(kind);
			}
			catch (RuntimeException ex) {
				delegate.failed(ex);
			}
		}
	}

	@Override
	public void flowFinished(String kind, String status, long durationNanos) {
		for (Delegate delegate : this.delegates) {
			try {
				delegate.metrics.flowFinished(kind, status, durationNanos);
			}
			catch (RuntimeException ex) {
				delegate.failed(ex);
			}
		}
	}

	@Override
	public void consuming(List<String> queues) {
		for (Delegate delegate : this.delegates) {
			try {
				delegate.metrics.consuming(queues);
			}
			catch (RuntimeException ex) {
				delegate.failed(ex);
			}
		}
	}

	private static final class Delegate {

		private final TaskMetrics metrics;

		private final AtomicBoolean warned = new AtomicBoolean();

		Delegate(TaskMetrics metrics) {
			this.metrics = metrics;
		}

		void failed(RuntimeException ex) {
			if (this.warned.compareAndSet(false, true)) {
				logger.warn(ex, () -> "Task metrics " + this.metrics.getClass().getName()
						+ " failed; other metrics are still recorded (later failures are logged at debug level)");
			}
			else {
				logger.debug(ex, () -> "Task metrics " + this.metrics.getClass().getName() + " failed");
			}
		}

	}

}
