package io.gtask.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;

import io.gtask.backend.ResultBackend;
import io.gtask.broker.TaskBroker;
import io.gtask.browse.TaskIndex;
import io.gtask.core.TaskInterceptor;
import io.gtask.core.TaskLimit;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.flow.BatchTracker;
import io.gtask.flow.FlowAdvancer;
import io.gtask.lifecycle.AbstractSmartLifecycle;
import io.gtask.metrics.TaskMetrics;
import io.gtask.progress.ProgressStore;
import io.gtask.registry.TaskRegistry;
import io.gtask.registry.TaskVersions;
import io.gtask.send.TaskSender;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * Consumes task queues and runs their handlers. The container itself only starts and stops
 * the parts that do the work, and wires them:
 * <ul>
 * <li>a {@link QueuePollTask} per queue, on a thread of its own, fetches in batches, never more
 * than the free {@link WorkerSlots}, and hands deliveries to the {@link TaskDispatcher};</li>
 * <li>worker threads run each delivery as a {@link TaskExecution} under a timeout; every
 * attempt ends in the {@link ExecutionFinisher}, which writes its outcome and frees its slot,
 * with retries decided by the {@link TaskRetryPolicy} and dead letters built by the
 * {@link DeadLetterFactory};</li>
 * <li>one writer thread ({@link OutcomeWriter}) records outcomes and settles deliveries in
 * batches;</li>
 * <li>the {@link ClaimKeeper} renews claims and heartbeats and puts back deliveries that dead
 * workers abandoned; the {@link DelayedPromotionTask} moves due tasks into their queues; the
 * {@link CancellationRegistry} stops tasks cancelled on request.</li>
 * </ul>
 * Concurrency is bounded by the slots rather than by the thread count: when a handler ignores
 * the interrupt after its timeout, its slot is freed anyway and a new thread takes its place;
 * such threads are counted ({@link #getAbandonedThreads()}).
 */
public class TaskContainer extends AbstractSmartLifecycle {

	private static final LogAccessor logger = new LogAccessor(TaskContainer.class);

	private final TaskBroker broker;

	private final ResultBackend backend;

	private final TaskSender sender;

	private final TaskRegistry registry;

	private final TaskMessageCodec codec;

	private final TaskContainerSettings settings;

	private final TaskDefaults defaults;

	private final FlowContinuation continuation = new FlowContinuation();

	private final OutcomeWriter writer;

	private @Nullable ProgressStore progressStore;

	private final WorkerSlots slots;

	private final InFlightTasks inFlight = new InFlightTasks();

	private final CancellationRegistry cancellations = new CancellationRegistry(this.inFlight);

	private final AbandonedThreads abandonedThreads;

	private final AtomicLong poisonTasks = new AtomicLong();

	private boolean durable;

	private DataSize maxPayloadSize = TaskMessageRules.DEFAULT_MAX_PAYLOAD_SIZE;

	private List<TaskInterceptor> interceptors = List.of();

	private boolean mdcEnabled = true;

	private TaskMetrics metrics = TaskMetrics.NONE;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable Executor workerExecutor;

	private QueueOrder queueOrder = QueueOrder.WEIGHTED;

	private Map<String, Integer> queueWeights = Map.of();

	private Map<String, TaskLimit> configuredLimits = Map.of();

	private @Nullable WorkerRegistry workerRegistry;

	private @Nullable VersionGate versionGate;

	private @Nullable Duration shutdownPhaseTimeout;

	private volatile List<String> queues = List.of();

	private @Nullable Run run;

	/**
	 * Create a container.
	 * @param broker the broker to consume
	 * @param backend the backend to record outcomes in
	 * @param registry the task handlers
	 * @param codec the message codec
	 * @param settings the container settings
	 * @param defaults the execution defaults
	 * @param sender the sender of tasks that manual-commit handlers hand back to their queue,
	 * whose router tells the queues to consume when the settings name none
	 */
	public TaskContainer(TaskBroker broker, ResultBackend backend, TaskRegistry registry, TaskMessageCodec codec,
			TaskContainerSettings settings, TaskDefaults defaults, TaskSender sender) {
		super(WORKER_PHASE);
		this.broker = broker;
		this.backend = backend;
		this.sender = sender;
		this.registry = registry;
		this.codec = codec;
		this.settings = settings;
		this.defaults = defaults;
		this.writer = new OutcomeWriter(backend, broker, this.inFlight::remove, () -> getClock().instant(),
				this.continuation);
		this.slots = new WorkerSlots(settings.concurrency());
		this.abandonedThreads = new AbandonedThreads(settings.visibilityTimeout());
	}

	/**
	 * Set the executor that runs handlers. It must be able to run
	 * {@link TaskContainerSettings#concurrency()} tasks at once; by default the container
	 * creates and owns one.
	 * @param workerExecutor the executor
	 */
	public void setWorkerExecutor(Executor workerExecutor) {
		this.workerExecutor = workerExecutor;
	}

	/**
	 * Set how free slots are shared among the queues when the container consumes several.
	 * @param queueOrder strict or weighted (the default, with weight 1 for every queue)
	 * @param weights the weight of each queue in weighted order; queues not named weigh 1
	 */
	public void setQueueOrder(QueueOrder queueOrder, Map<String, Integer> weights) {
		weights.forEach((queue, weight) -> Assert.isTrue(weight != null && weight >= 1,
				() -> "Weight of queue '" + queue + "' must be 1 or more but was " + weight
						+ " (gtask.worker.queue-weights)"));
		this.queueOrder = queueOrder;
		this.queueWeights = Map.copyOf(weights);
	}

	/**
	 * Set the interceptors that wrap every execution, outermost first.
	 * @param interceptors the interceptors
	 */
	public void setInterceptors(List<TaskInterceptor> interceptors) {
		this.interceptors = List.copyOf(interceptors);
	}

	/**
	 * Set whether the task id, name, queue and attempt are put in the logging context (SLF4J
	 * MDC, keys {@code gtask.taskId}, {@code gtask.taskName}, {@code gtask.queue},
	 * {@code gtask.attempt}) of the thread that runs the task.
	 * @param mdcEnabled whether to, {@code true} by default
	 */
	public void setMdcEnabled(boolean mdcEnabled) {
		this.mdcEnabled = mdcEnabled;
	}

	/**
	 * Set the metrics told of each attempt, its outcome and dead letters.
	 * @param metrics the metrics
	 */
	public void setMetrics(TaskMetrics metrics) {
		this.metrics = metrics;
	}

	/**
	 * Set the registry of the observation of each attempt, which continues the trace of the
	 * sender from the headers of the task message.
	 * @param observationRegistry the registry
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Set whether durable mode is on, in which a reaper finds tasks never committed by
	 * manual-commit handlers; such handlers need it.
	 * @param durable whether durable mode is on
	 */
	public void setDurable(boolean durable) {
		this.durable = durable;
	}

	/**
	 * Set the largest message this container runs; a larger one read from a queue, which no
	 * sender with the same limit could have sent, is kept as a dead letter.
	 * @param maxPayloadSize the largest message ({@code gtask.message.max-payload-size})
	 */
	public void setMaxPayloadSize(DataSize maxPayloadSize) {
		this.maxPayloadSize = maxPayloadSize;
	}

	/**
	 * Set the versions of task names and the upcasters between them, and how long a message
	 * of a newer version than its handler here is handed back for a newer worker. Without
	 * them, each handler takes messages of its own version and older ones fail, and newer ones
	 * are handed back for {@link TaskVersions#DEFAULT_FUTURE_HAND_BACK_WINDOW}.
	 * @param versions the versions and upcasters
	 * @param futureHandBackWindow how long a message of a newer version is handed back, from
	 * the first time it was
	 * @param futureHandBackDelay how long a message handed back waits before it is queued again
	 */
	public void setVersions(TaskVersions versions, Duration futureHandBackWindow, Duration futureHandBackDelay) {
		Assert.isTrue(!futureHandBackWindow.isNegative(), "futureHandBackWindow must not be negative");
		Assert.isTrue(!futureHandBackDelay.isNegative(), "futureHandBackDelay must not be negative");
		this.versionGate = new VersionGate(versions, futureHandBackWindow, futureHandBackDelay);
	}

	/**
	 * Set limits of task names, which take precedence over the limits declared on handlers. The
	 * container applies their per-instance concurrency; the broker, given the same limits when
	 * it is created, applies the rest.
	 * @param limits the limits by task name
	 */
	public void setTaskLimits(Map<String, TaskLimit> limits) {
		this.configuredLimits = Map.copyOf(limits);
	}

	/**
	 * Set the registry in which this container describes itself with every heartbeat, so that
	 * any instance can list it.
	 * @param workerRegistry the registry
	 */
	public void setWorkerRegistry(WorkerRegistry workerRegistry) {
		this.workerRegistry = workerRegistry;
	}

	/**
	 * Keep the progress handlers report ({@link io.gtask.core.TaskContext#progress(double)}).
	 * @param progressStore where progress is kept
	 */
	public void setProgressStore(ProgressStore progressStore) {
		this.progressStore = progressStore;
	}

	/**
	 * Go on with flows: when a task that is a step of a flow ends, send what comes next.
	 * @param flows the advancer of flows
	 */
	public void setFlowAdvancer(FlowAdvancer flows) {
		this.continuation.setFlows(flows);
	}

	/**
	 * Index the tasks that end, for browsing them by state. The index keeps no arguments when
	 * the codec encrypts them: it would hold them in plain.
	 * @param index the index
	 */
	public void setTaskIndex(TaskIndex index) {
		this.writer.setIndex(index, !this.codec.isEncrypting());
	}

	/**
	 * Count the members of batches: when a task that is a member of a batch ends, count it, and
	 * end the batch if it was the last.
	 * @param batches the tracker of batches
	 */
	public void setBatchTracker(BatchTracker batches) {
		this.continuation.setBatches(batches);
	}

	/**
	 * Set how long the application context waits for this container to stop before it goes on
	 * to close the Redis connection ({@code spring.lifecycle.timeout-per-shutdown-phase}), so
	 * that waiting for running tasks leaves time to hand back those still running.
	 * @param shutdownPhaseTimeout the time, {@code null} when not known
	 * @see ShutdownBudget
	 */
	public void setShutdownPhaseTimeout(@Nullable Duration shutdownPhaseTimeout) {
		this.shutdownPhaseTimeout = shutdownPhaseTimeout;
	}

	/**
	 * How the time to stop is spent.
	 * @return the shutdown budget
	 */
	public ShutdownBudget getShutdownBudget() {
		return new ShutdownBudget(this.settings.shutdownTimeout(), this.shutdownPhaseTimeout);
	}

	@Override
	protected void doStart() {
		WorkerPlan plan = WorkerPlan.of(this.settings, this.sender.getRouter(), this.registry, this.configuredLimits,
				this.durable);
		ShutdownBudget budget = getShutdownBudget();
		if (!budget.fits()) {
			logger.warn(budget::describeConflict);
		}
		Instant startedAt = getClock().instant();
		List<String> queues = plan.queues();
		this.queues = queues;
		this.metrics.consuming(queues);
		if (!plan.limits().isEmpty()) {
			logger.info(() -> "Task limits: " + plan.limits());
		}
		LocalPermits permits = new LocalPermits(plan.limits());
		this.inFlight.usePermits(permits);
		this.slots.share(queues, this.queueOrder, this.queueWeights);
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
				new CustomizableThreadFactory("gtask-timer-"));
		timer.setRemoveOnCancelPolicy(true);
		TaskDispatcher dispatcher = new TaskDispatcher(this.broker, this.workerExecutor, this.settings.concurrency(),
				this.inFlight, this.slots, permits, executionSupport(timer), this.poisonTasks);
		this.writer.reset();
		Thread writerThread = new Thread(this.writer, "gtask-writer");
		writerThread.start();
		List<QueuePollTask> pollTasks = new ArrayList<>();
		for (String queue : queues) {
			pollTasks.add(new QueuePollTask(queue, this.broker, this.settings, this.slots, permits, dispatcher));
		}
		pollTasks.forEach(QueuePollTask::start);
		DelayedPromotionTask promotion = new DelayedPromotionTask(this.broker, queues,
				this.settings.promoteInterval(), getClock(), permits, plan.anyGlobalLimit(), timer);
		promotion.start();
		ClaimKeeper claimKeeper = new ClaimKeeper(this.broker, this.settings, this.inFlight, this.workerRegistry,
				queues, startedAt, getClock());
		claimKeeper.start();
		this.run = new Run(timer, dispatcher, writerThread, pollTasks, promotion, claimKeeper);
		this.cancellations.listen(this.broker);
		logger.info(() -> "Started task container '" + this.settings.consumerName() + "' on queues " + queues
				+ " with concurrency " + this.settings.concurrency());
	}

	private ExecutionSupport executionSupport(ScheduledThreadPoolExecutor timer) {
		DeadLetterFactory deadLetters = new DeadLetterFactory(this.codec, this.maxPayloadSize);
		ExecutionFinisher finisher = new ExecutionFinisher(this.writer, this.slots, deadLetters, this.metrics,
				this.codec, getClock());
		VersionGate versions = (this.versionGate != null) ? this.versionGate
				: new VersionGate(new TaskVersions(this.registry), TaskVersions.DEFAULT_FUTURE_HAND_BACK_WINDOW,
						TaskVersions.DEFAULT_FUTURE_HAND_BACK_DELAY);
		return new ExecutionSupport(this.codec, this.maxPayloadSize, this.registry, versions, this.defaults,
				new TaskRetryPolicy(this.defaults),
				new HandlerInvoker(this.interceptors, this.mdcEnabled, this.observationRegistry), finisher,
				this.cancellations, new ManualCommitWriter(this.backend, this.sender, this.codec, getClock(),
						this.continuation), timer,
				this.abandonedThreads, this.metrics,
				new ProgressReporter(this.progressStore, this.codec.getJsonMapper(), timer, getClock()), getClock());
	}

	@Override
	protected void doStop() {
		long waitUntil = System.nanoTime() + getShutdownBudget().taskWait().toNanos();
		Run run = this.run;
		this.run = null;
		if (run == null) {
			// start failed before its parts ran
			return;
		}
		run.pollTasks().forEach(QueuePollTask::cancel);
		run.promotion().stop();
		run.claimKeeper().stopHeartbeats();
		for (QueuePollTask pollTask : run.pollTasks()) {
			// a poll task hands back what it fetched but did not start, within a poll
			pollTask.awaitExit(Duration.ofNanos(Math.max(waitUntil - System.nanoTime(),
					this.settings.pollTimeout().plusSeconds(1).toNanos())));
		}
		run.claimKeeper().unregister();
		if (!this.slots.awaitIdle(waitUntil)) {
			logger.debug(() -> getActiveCount() + " task(s) still running after the shutdown timeout");
		}
		run.dispatcher().handBackUnfinished(getShutdownBudget().taskWait().toMillis());
		// claims of running tasks were renewed until now, so no other worker took them meanwhile
		run.claimKeeper().stop();
		this.cancellations.close();
		run.dispatcher().close();
		// bounded so that stopping ends within the time kept for handing back (ShutdownBudget)
		this.writer.stop(Duration.ofSeconds(2));
		join(run.writerThread(), Duration.ofSeconds(3));
		run.timer().shutdownNow();
		logger.info(() -> "Stopped task container '" + this.settings.consumerName() + "'");
	}

	/**
	 * Stop on a new thread ({@code gtask-stop}), since waiting for running tasks takes long, so
	 * that the application context stops the other components of the phase meanwhile.
	 */
	@Override
	public void stop(Runnable callback) {
		stopOnNewThread(callback, "gtask-stop");
	}

	private static void join(Thread thread, Duration timeout) {
		try {
			thread.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Cancel a task if this container runs it.
	 * @param taskId the task id
	 * @return whether the task ran here and was cancelled
	 */
	public boolean cancel(String taskId) {
		return this.cancellations.cancel(taskId);
	}

	/**
	 * The queues this container consumes, once started.
	 * @return the queues
	 */
	public List<String> getQueues() {
		return this.queues;
	}

	/**
	 * Number of handler threads that ignored the interrupt of their timeout: still running a
	 * second after it, while their slot went to the next task.
	 * @return the count since the container was created
	 */
	public long getAbandonedThreads() {
		return this.abandonedThreads.count();
	}

	/**
	 * Number of messages this container set aside as dead letters because they were delivered
	 * more than {@link TaskContainerSettings#maxDeliveries()} times.
	 * @return the count since the container was created
	 */
	public long getPoisonTasks() {
		return this.poisonTasks.get();
	}

	/**
	 * Number of tasks running now.
	 * @return the count
	 */
	public int getActiveCount() {
		return this.slots.active();
	}

	/**
	 * The settings of this container.
	 * @return the settings
	 */
	public TaskContainerSettings getSettings() {
		return this.settings;
	}

	/**
	 * The parts of one run of the container, from start to stop.
	 */
	private record Run(ScheduledThreadPoolExecutor timer, TaskDispatcher dispatcher, Thread writerThread,
			List<QueuePollTask> pollTasks, DelayedPromotionTask promotion, ClaimKeeper claimKeeper) {

	}

}
