package io.gtask.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

import io.gtask.core.TaskQueues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * {@link TaskMetrics} recorded with Micrometer: counters and timers tagged with queue, task and
 * outcome (or origin, for tasks sent), and gauges of the queues a worker consumes.
 * <p>
 * Meters are created once per queue, task and outcome or origin and then looked up without
 * allocation.
 * To keep the number of series bounded, task names are tagged as they are only if they are
 * {@linkplain #MicrometerTaskMetrics known}, or while fewer than {@code maxTaskNames} other
 * names have been seen; further names are tagged {@value #OTHER_TASK}.
 */
public class MicrometerTaskMetrics implements TaskMetrics {

	/**
	 * Tag value of task names beyond the limit of distinct names.
	 */
	public static final String OTHER_TASK = "other";

	/**
	 * Tag value of messages that could not be read.
	 */
	public static final String UNKNOWN_TASK = "unknown";

	/**
	 * Default limit of distinct task names not known in advance.
	 */
	public static final int DEFAULT_MAX_TASK_NAMES = 100;

	/**
	 * Default time a snapshot of a queue is used for before it is read again.
	 */
	public static final Duration DEFAULT_QUEUE_REFRESH_INTERVAL = Duration.ofSeconds(5);

	private static final TaskOutcome[] OUTCOMES = TaskOutcome.values();

	private static final TaskOrigin[] ORIGINS = TaskOrigin.values();

	private final MeterRegistry registry;

	private final TaskQueues queues;

	private final Supplier<Set<String>> knownTaskNames;

	private final int maxTaskNames;

	private final Duration queueRefreshInterval;

	private final Map<String, Map<String, TaskMeters>> meters = new ConcurrentHashMap<>();

	private final Set<String> otherNames = ConcurrentHashMap.newKeySet();

	private final Set<String> observedQueues = ConcurrentHashMap.newKeySet();

	/**
	 * Create metrics.
	 * @param registry the registry to record in
	 * @param queues the queues, read for the queue gauges
	 * @param knownTaskNames the names always tagged as they are (those of local handlers and
	 * routes), read when a name is first seen
	 * @param maxTaskNames how many other distinct names are tagged as they are
	 * @param queueRefreshInterval how long a snapshot of a queue is used for
	 */
	public MicrometerTaskMetrics(MeterRegistry registry, TaskQueues queues, Supplier<Set<String>> knownTaskNames,
			int maxTaskNames, Duration queueRefreshInterval) {
		this.registry = registry;
		this.queues = queues;
		this.knownTaskNames = knownTaskNames;
		this.maxTaskNames = maxTaskNames;
		this.queueRefreshInterval = queueRefreshInterval;
	}

	@Override
	public void sent(String queue, String task) {
		sent(queue, task, TaskOrigin.CLIENT);
	}

	@Override
	public void sent(String queue, String task, TaskOrigin origin) {
		meters(queue, task).sent(origin).increment();
	}

	@Override
	public void started(String queue, String task, long waitNanos) {
		TaskMeters meters = meters(queue, task);
		meters.started.increment();
		if (waitNanos >= 0) {
			meters.waited.record(waitNanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void finished(String queue, String task, TaskOutcome outcome, long durationNanos) {
		TaskMeters meters = meters(queue, task);
		meters.completed(outcome).increment();
		if (durationNanos >= 0) {
			meters.execution(outcome).record(durationNanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void deadLettered(String queue, @Nullable String task) {
		meters(queue, (task != null) ? task : UNKNOWN_TASK).deadLettered.increment();
	}

	@Override
	public void flowStarted(String kind) {
		Counter.builder("gtask.flows.started")
			.description("Flows and batches started, by kind")
			.tag("kind", kind)
			.register(this.registry)
			.increment();
	}

	@Override
	public void flowFinished(String kind, String status, long durationNanos) {
		Timer.builder("gtask.flows.duration")
			.description("Time from the start of a flow or batch to its end, by kind and final state")
			.tag("kind", kind)
			.tag("status", status)
			.register(this.registry)
			.record(Math.max(0, durationNanos), TimeUnit.NANOSECONDS);
	}

	@Override
	public void consuming(List<String> queues) {
		for (String queue : queues) {
			if (this.observedQueues.add(queue)) {
				new QueueGauges(queue, this.queues, this.queueRefreshInterval).bindTo(this.registry);
			}
		}
	}

	private TaskMeters meters(String queue, String task) {
		Map<String, TaskMeters> byTask = this.meters.get(queue);
		if (byTask == null) {
			byTask = this.meters.computeIfAbsent(queue, (key) -> new ConcurrentHashMap<>());
		}
		TaskMeters meters = byTask.get(task);
		if (meters != null) {
			return meters;
		}
		// names beyond the limit share one set of meters and are not remembered one by one
		String tag = tagOf(task);
		return byTask.computeIfAbsent(tag, (key) -> new TaskMeters(queue, key));
	}

	private String tagOf(String task) {
		if (task.equals(UNKNOWN_TASK) || task.equals(OTHER_TASK) || this.knownTaskNames.get().contains(task)
				|| this.otherNames.contains(task)) {
			return task;
		}
		if (this.otherNames.size() < this.maxTaskNames) {
			this.otherNames.add(task);
			return task;
		}
		return OTHER_TASK;
	}

	/**
	 * The meters of one task name in one queue, outcome and origin meters created when first
	 * needed.
	 */
	private final class TaskMeters {

		private final Tags tags;

		private final Counter started;

		private final Counter deadLettered;

		private final Timer waited;

		private final AtomicReferenceArray<Counter> sent = new AtomicReferenceArray<>(ORIGINS.length);

		private final AtomicReferenceArray<Counter> completed = new AtomicReferenceArray<>(OUTCOMES.length);

		private final AtomicReferenceArray<Timer> executions = new AtomicReferenceArray<>(OUTCOMES.length);

		TaskMeters(String queue, String task) {
			this.tags = Tags.of("queue", queue, "task", task);
			MeterRegistry registry = MicrometerTaskMetrics.this.registry;
			this.started = Counter.builder("gtask.tasks.started")
				.description("Attempts of tasks started by this worker")
				.tags(this.tags)
				.register(registry);
			this.deadLettered = Counter.builder("gtask.tasks.dead_lettered")
				.description("Tasks set aside as dead letters by this worker")
				.tags(this.tags)
				.register(registry);
			this.waited = Timer.builder("gtask.tasks.wait")
				.description("Time tasks waited in their queue before their first attempt started")
				.tags(this.tags)
				.register(registry);
		}

		Counter sent(TaskOrigin origin) {
			Counter counter = this.sent.get(origin.ordinal());
			if (counter == null) {
				counter = Counter.builder("gtask.tasks.sent")
					.description("Tasks queued by this application, by origin")
					.tags(this.tags)
					.tag("origin", origin.tagValue())
					.register(MicrometerTaskMetrics.this.registry);
				this.sent.compareAndSet(origin.ordinal(), null, counter);
			}
			return counter;
		}

		Counter completed(TaskOutcome outcome) {
			Counter counter = this.completed.get(outcome.ordinal());
			if (counter == null) {
				counter = Counter.builder("gtask.tasks.completed")
					.description("Attempts of tasks ended on this worker, by outcome")
					.tags(this.tags)
					.tag("outcome", outcome.tagValue())
					.register(MicrometerTaskMetrics.this.registry);
				this.completed.compareAndSet(outcome.ordinal(), null, counter);
			}
			return counter;
		}

		Timer execution(TaskOutcome outcome) {
			Timer timer = this.executions.get(outcome.ordinal());
			if (timer == null) {
				timer = Timer.builder("gtask.tasks.execution")
					.description("Time handlers ran, by outcome")
					.tags(this.tags)
					.tag("outcome", outcome.tagValue())
					.register(MicrometerTaskMetrics.this.registry);
				this.executions.compareAndSet(outcome.ordinal(), null, timer);
			}
			return timer;
		}

	}

}
