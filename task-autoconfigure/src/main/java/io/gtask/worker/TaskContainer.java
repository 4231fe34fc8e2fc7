package io.gtask.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.TaskStateChange;
import io.gtask.broker.Delivery;
import io.gtask.broker.Promotion;
import io.gtask.broker.TaskBroker;
import io.gtask.core.DeadLetter;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.PoisonTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskInterceptor;
import io.gtask.core.TaskLimit;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.metrics.TaskMetrics;
import io.gtask.metrics.TaskOrigin;
import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskRegistry;
import io.gtask.send.TaskSender;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.unit.DataSize;

/**
 * Consumes task queues and runs their handlers: a fetcher thread per queue takes messages in
 * batches, never more than free worker slots, worker threads run handlers under a timeout, and
 * one writer thread records outcomes and acknowledges deliveries in batches.
 * <p>
 * Concurrency is bounded by a semaphore rather than by the thread count: when a handler ignores
 * the interrupt after its timeout, its slot is freed anyway and a new thread takes its place;
 * such threads are counted ({@link #getAbandonedThreads()}).
 */
public class TaskContainer implements SmartLifecycle {

	private static final LogAccessor logger = new LogAccessor(TaskContainer.class);

	private static final Duration CANCEL_REQUEST_MEMORY = Duration.ofMinutes(1);

	private final TaskBroker broker;

	private final TaskRegistry registry;

	private final TaskMessageCodec codec;

	private final TaskContainerSettings settings;

	private final TaskDefaults defaults;

	private final OutcomeWriter writer;

	private final ResultBackend backend;

	private final TaskSender sender;

	private boolean durable;

	private DataSize maxPayloadSize = TaskMessageRules.DEFAULT_MAX_PAYLOAD_SIZE;

	private List<TaskInterceptor> interceptors = List.of();

	private boolean mdcEnabled = true;

	private TaskMetrics metrics = TaskMetrics.NONE;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private final Semaphore slots;

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private final AtomicLong abandonedThreads = new AtomicLong();

	private final List<Thread> fetchers = new ArrayList<>();

	private final Map<Delivery, TaskExecution> inFlight = new ConcurrentHashMap<>();

	private final AtomicLong poisonTasks = new AtomicLong();

	private @Nullable ScheduledThreadPoolExecutor recovery;

	private Clock clock = Clock.systemUTC();

	private volatile boolean running;

	private boolean autoStartup = true;

	private @Nullable Executor workerExecutor;

	private @Nullable ThreadPoolExecutor ownExecutor;

	private volatile @Nullable Executor workers;

	private volatile List<String> queues = List.of();

	private @Nullable ScheduledThreadPoolExecutor scheduler;

	private @Nullable Thread writerThread;

	private volatile @Nullable ScheduledFuture<?> promoter;

	private QueueOrder queueOrder = QueueOrder.WEIGHTED;

	private Map<String, Integer> queueWeights = Map.of();

	private Map<String, TaskLimit> configuredLimits = Map.of();

	private volatile Map<String, Semaphore> localPermits = Map.of();

	/**
	 * Queues whose due tasks could not be moved at the last attempt, so that a failure is
	 * logged as a warning once, not on every tick.
	 */
	private final Set<String> promoteFailing = ConcurrentHashMap.newKeySet();

	private volatile @Nullable SlotArbiter arbiter;

	private @Nullable AutoCloseable cancellations;

	private @Nullable WorkerRegistry workerRegistry;

	private volatile Instant startedAt = Instant.EPOCH;

	private @Nullable Duration shutdownPhaseTimeout;

	/**
	 * Cancellations requested for tasks not found running here, by task id, with the time they
	 * are forgotten: a task fetched just before its cancellation was requested may not have been
	 * read yet, and is then stopped before it starts.
	 */
	private final Map<String, Long> cancelRequests = new ConcurrentHashMap<>();

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
		this.broker = broker;
		this.sender = sender;
		this.registry = registry;
		this.codec = codec;
		this.settings = settings;
		this.defaults = defaults;
		this.backend = backend;
		this.writer = new OutcomeWriter(backend, broker, this::settled, this::now);
		this.slots = new Semaphore(settings.concurrency());
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
		weights.forEach((queue, weight) -> org.springframework.util.Assert.isTrue(weight != null && weight >= 1,
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

	TaskMetrics getMetrics() {
		return this.metrics;
	}

	ObservationRegistry getObservationRegistry() {
		return this.observationRegistry;
	}

	List<TaskInterceptor> getInterceptors() {
		return this.interceptors;
	}

	boolean isMdcEnabled() {
		return this.mdcEnabled;
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

	DataSize getMaxPayloadSize() {
		return this.maxPayloadSize;
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

	/**
	 * Set the clock, for tests that control time.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Set whether the container starts with the application context.
	 * @param autoStartup {@code false} to start it by hand
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 100;
	}

	@Override
	public void start() {
		this.lifecycleLock.lock();
		try {
			if (this.running) {
				return;
			}
			checkManualCommit();
			ShutdownBudget budget = getShutdownBudget();
			if (!budget.fits()) {
				logger.warn(budget::describeConflict);
			}
			this.running = true;
			this.startedAt = now();
			this.queues = resolveQueues();
			this.metrics.consuming(this.queues);
			applyLimits();
			this.arbiter = new SlotArbiter(this.slots, this.queueOrder, this.queues, this.queueWeights);
			if (this.workerExecutor != null) {
				this.workers = this.workerExecutor;
			}
			else {
				CustomizableThreadFactory threads = new CustomizableThreadFactory("gtask-worker-");
				// a handler that ignores its interrupt must not hold the JVM once its task is given up
				threads.setDaemon(true);
				this.ownExecutor = new ThreadPoolExecutor(this.settings.concurrency(), Integer.MAX_VALUE, 60,
						TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
				this.workers = this.ownExecutor;
			}
			this.scheduler = new ScheduledThreadPoolExecutor(1, new CustomizableThreadFactory("gtask-timer-"));
			this.scheduler.setRemoveOnCancelPolicy(true);
			this.writer.reset();
			this.writerThread = new Thread(this.writer, "gtask-writer");
			this.writerThread.start();
			for (String queue : this.queues) {
				Thread fetcher = new Thread(() -> fetchLoop(queue), "gtask-fetch-" + queue);
				this.fetchers.add(fetcher);
				fetcher.start();
			}
			this.promoter = this.scheduler.schedule(this::promoteDue, 0, TimeUnit.MILLISECONDS);
			this.recovery = new ScheduledThreadPoolExecutor(1, new CustomizableThreadFactory("gtask-recovery-"));
			long recoveryInterval = recoveryInterval().toMillis();
			this.recovery.scheduleWithFixedDelay(this::recover, 0, recoveryInterval, TimeUnit.MILLISECONDS);
			listenForCancellations();
			logger.info(() -> "Started task container '" + this.settings.consumerName() + "' on queues "
					+ this.queues + " with concurrency " + this.settings.concurrency());
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	private void checkManualCommit() {
		if (this.durable) {
			return;
		}
		for (TaskHandlerMethod handler : this.registry.getHandlers()) {
			if (handler.isManualCommit()) {
				throw new IllegalStateException("Handler of task '" + handler.getName() + "' commits manually, which needs "
						+ "durable mode (gtask.durable.enabled=true with gtask.backend.type=jdbc or mongo), so that "
						+ "tasks it never commits are found by the reaper");
			}
		}
	}

	private void applyLimits() {
		Map<String, TaskLimit> limits = new HashMap<>();
		for (TaskHandlerMethod handler : this.registry.getHandlers()) {
			if (handler.getLimit().isLimited()) {
				limits.put(handler.getName(), handler.getLimit());
			}
		}
		limits.putAll(this.configuredLimits);
		Map<String, Semaphore> permits = new HashMap<>();
		limits.forEach((name, limit) -> {
			if (limit.localConcurrency() > 0) {
				permits.put(name, new Semaphore(limit.localConcurrency()));
			}
		});
		this.localPermits = Map.copyOf(permits);
		if (!limits.isEmpty()) {
			logger.info(() -> "Task limits: " + limits);
		}
	}

	private void listenForCancellations() {
		try {
			this.cancellations = this.broker.onCancellation(this::cancel);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, "Could not listen for cancellation requests; running tasks cannot be cancelled");
		}
	}

	/**
	 * Cancel a task if this container runs it.
	 * @param taskId the task id
	 * @return whether the task ran here and was cancelled
	 */
	public boolean cancel(String taskId) {
		for (TaskExecution execution : this.inFlight.values()) {
			if (taskId.equals(execution.getTaskId())) {
				return execution.cancel();
			}
		}
		long now = System.nanoTime();
		this.cancelRequests.values().removeIf((until) -> until - now < 0);
		this.cancelRequests.put(taskId, now + CANCEL_REQUEST_MEMORY.toNanos());
		return false;
	}

	/**
	 * Whether a cancellation was requested for a task before this container read its message.
	 */
	boolean isCancelRequested(String taskId) {
		Long until = this.cancelRequests.remove(taskId);
		return until != null && until - System.nanoTime() > 0;
	}

	private List<String> resolveQueues() {
		if (!this.settings.queues().isEmpty()) {
			return this.settings.queues();
		}
		return this.sender.getRouter().handlerQueues();
	}

	/**
	 * The queues this container consumes, once started.
	 * @return the queues
	 */
	public List<String> getQueues() {
		return this.queues;
	}

	/**
	 * Fetch from one queue for as long as the container runs. A fetcher holds no slot while it
	 * waits on an empty queue, so that the fetchers of other queues can fill the free slots; it
	 * asks for no more messages than there are free slots, and takes a slot for each message
	 * before running it.
	 */
	private void fetchLoop(String queue) {
		TaskBroker.Consumer consumer = this.broker.consumer(queue, this.settings.consumerName());
		boolean failing = false;
		try {
			while (this.running) {
				try {
					SlotArbiter arbiter = this.arbiter;
					int max = (arbiter != null) ? arbiter.awaitTurn(queue, 100, this.settings.batchSize()) : 0;
					if (max <= 0) {
						continue;
					}
					List<Delivery> deliveries;
					try {
						deliveries = consumer.fetch(max);
					}
					catch (RuntimeException ex) {
						release(max);
						throw ex;
					}
					arbiter.fetched(queue, deliveries.isEmpty());
					if (failing) {
						failing = false;
						logger.info(() -> "Fetching from queue '" + queue + "' works again");
					}
					if (deliveries.isEmpty()) {
						// wait for tasks holding no slot, so that other queues can use them meanwhile
						release(max);
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
						logger.warn(ex, () -> "Could not fetch from queue '" + queue + "'; retrying until Redis answers");
					}
					pause(1000);
				}
			}
		}
		finally {
			consumer.close();
		}
	}

	private boolean takeSlot() throws InterruptedException {
		while (!this.slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
			if (!this.running) {
				return false;
			}
		}
		return true;
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
					poison(delivery);
					continue;
				}
				boolean slot = this.running && (held > 0 || takeSlot());
				if (slot && held > 0) {
					held--;
				}
				if (!slot) {
					// stopping: fetched but not started, so another worker may take them at once
					List<Delivery> notStarted = deliveries.subList(i, deliveries.size());
					logger.info(() -> "Handing back " + notStarted.size() + " fetched task(s) not started before stopping");
					handBack(notStarted);
					return;
				}
				Semaphore permits = (delivery.limitedName() != null) ? this.localPermits.get(delivery.limitedName())
						: null;
				if (permits != null && !permits.tryAcquire()) {
					// this instance runs as many of these as it may: another instance, or this one later
					release();
					deferred.add(delivery);
					continue;
				}
				dispatch(delivery);
			}
		}
		finally {
			release(held);
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

	private void releaseLocalPermit(Delivery delivery) {
		Semaphore permits = (delivery.limitedName() != null) ? this.localPermits.get(delivery.limitedName()) : null;
		if (permits != null) {
			permits.release();
		}
	}

	private void dispatch(Delivery delivery) {
		Executor executor = this.workers;
		if (executor == null) {
			releaseLocalPermit(delivery);
			release();
			handBack(List.of(delivery));
			return;
		}
		TaskExecution execution = new TaskExecution(this, delivery);
		this.inFlight.put(delivery, execution);
		try {
			executor.execute(execution);
		}
		catch (RejectedExecutionException ex) {
			this.inFlight.remove(delivery);
			releaseLocalPermit(delivery);
			release();
			logger.warn(ex, () -> "Worker executor rejected a task of queue '" + delivery.queue()
					+ "'; handing it back to the queue");
			handBack(List.of(delivery));
		}
	}

	private void handBack(List<Delivery> deliveries) {
		try {
			this.broker.handBack(deliveries);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not hand back " + deliveries.size()
					+ " task(s); they will be taken over after the visibility timeout");
		}
	}

	private void settled(Delivery delivery) {
		if (this.inFlight.remove(delivery) != null) {
			releaseLocalPermit(delivery);
		}
	}

	/**
	 * Keep the claims of this container's deliveries alive and tell the broker this consumer
	 * lives, then put back into their queues the deliveries that dead consumers abandoned.
	 */
	private void recover() {
		try {
			this.broker.keepAlive(List.copyOf(this.inFlight.keySet()), this.settings.consumerName());
			Duration ttl = recoveryInterval().multipliedBy(3).plusSeconds(1);
			for (String queue : this.queues) {
				if (!this.running) {
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
		if (registry != null && this.running) {
			registry.register(getWorkerInfo(ttl));
		}
	}

	private WorkerInfo getWorkerInfo(Duration ttl) {
		Instant now = now();
		return new WorkerInfo(this.settings.consumerName(), WorkerHost.NAME, ProcessHandle.current().pid(),
				this.settings.concurrency(), this.queues, this.startedAt, now, now.plus(ttl));
	}

	private void unregister() {
		WorkerRegistry registry = this.workerRegistry;
		if (registry != null) {
			try {
				registry.unregister(this.settings.consumerName());
			}
			catch (RuntimeException ex) {
				logger.debug(ex, "Could not remove this worker from the worker registry; it expires on its own");
			}
		}
	}

	private Duration recoveryInterval() {
		return Duration.ofMillis(Math.min(this.settings.reclaimInterval().toMillis(),
				this.settings.visibilityTimeout().toMillis() / 3));
	}

	private void poison(Delivery delivery) {
		this.poisonTasks.incrementAndGet();
		String reason = "Delivered " + delivery.deliveryCount() + " times without finishing (more than "
				+ "gtask.worker.max-deliveries=" + this.settings.maxDeliveries() + "); its worker may have died each time";
		TaskMessage message = null;
		try {
			if (delivery.payload() != null) {
				message = this.codec.decode(delivery.payload());
				TaskMessageRules.checkReceived(message, delivery.queue(), delivery.payload().length,
						this.maxPayloadSize);
			}
		}
		catch (MalformedTaskMessageException ex) {
			// kept as it is, its task not recorded; the dead letter says why it was set aside
			message = null;
		}
		TaskMessage known = message;
		logger.warn(() -> "Setting aside task " + ((known != null) ? "'" + known.name() + "' (" + known.id() + ")"
				: delivery.deliveryId()) + " of queue '" + delivery.queue() + "': " + reason);
		TaskStateChange change = null;
		if (message != null) {
			change = TaskStateChange.failure(message.id(), message.name(), message.queue(), now(), message.attempt(),
					new TaskError(PoisonTaskException.class.getName(), reason));
		}
		DeadLetter letter = new DeadLetter(delivery.deliveryId(), delivery.queue(),
				(message != null) ? message.id() : null, (message != null) ? message.name() : null, reason,
				PoisonTaskException.class.getName(), (message != null) ? message.attempt() : 0, delivery.deliveryCount(),
				now(), (delivery.payload() != null) ? delivery.payload() : new byte[0]);
		Outcome outcome = Outcome.dead(change, delivery, letter);
		this.metrics.deadLettered(delivery.queue(), (message != null) ? message.name() : null);
		write((message != null) ? outcome.releasing(message) : outcome);
	}

	/**
	 * Move due tasks into their queues, then run again when the next task is due, or after the
	 * promote interval at the latest (other instances may add earlier ones meanwhile), so that a
	 * delayed task starts within milliseconds of its due time.
	 */
	private void promoteDue() {
		long interval = this.settings.promoteInterval().toMillis();
		long delay = interval;
		try {
			Instant next = promoteAll();
			if (next != null) {
				delay = Math.max(1, Math.min(interval, Duration.between(now(), next).toMillis()));
			}
		}
		finally {
			ScheduledThreadPoolExecutor scheduler = this.scheduler;
			if (this.running && scheduler != null) {
				try {
					this.promoter = scheduler.schedule(this::promoteDue, delay, TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException ex) {
					// stopping
				}
			}
		}
	}

	private @Nullable Instant promoteAll() {
		Instant earliest = null;
		for (String queue : this.queues) {
			try {
				Promotion promotion;
				do {
					promotion = this.broker.promoteDue(queue, now(), 500);
				}
				while (promotion.moved() == 500 && this.running);
				if (promotion.nextDue() != null && (earliest == null || promotion.nextDue().isBefore(earliest))) {
					earliest = promotion.nextDue();
				}
				if (!this.localPermits.isEmpty() || hasGlobalLimits()) {
					Map<String, Integer> localFree = new HashMap<>();
					this.localPermits.forEach((name, permits) -> localFree.put(name, permits.availablePermits()));
					this.broker.admitWaiting(queue, now(), localFree);
				}
			}
			catch (RuntimeException ex) {
				// once per queue until it works again, as this runs several times a second
				if (this.promoteFailing.add(queue)) {
					logger.warn(ex, () -> "Could not move due tasks of queue '" + queue + "': " + ex.getMessage());
				}
				else {
					logger.debug(ex, () -> "Could not move due tasks of queue '" + queue + "'");
				}
				continue;
			}
			if (this.promoteFailing.remove(queue)) {
				logger.info(() -> "Moving due tasks of queue '" + queue + "' again");
			}
		}
		return earliest;
	}

	private boolean hasGlobalLimits() {
		for (TaskHandlerMethod handler : this.registry.getHandlers()) {
			if (handler.getLimit().isGlobal()) {
				return true;
			}
		}
		for (TaskLimit limit : this.configuredLimits.values()) {
			if (limit.isGlobal()) {
				return true;
			}
		}
		return false;
	}

	private void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop() {
		this.lifecycleLock.lock();
		try {
			if (!this.running) {
				return;
			}
			long waitUntil = System.nanoTime() + getShutdownBudget().taskWait().toNanos();
			this.running = false;
			for (Thread fetcher : this.fetchers) {
				// a fetcher hands back what it fetched but did not start, within a poll
				join(fetcher, Duration.ofNanos(Math.max(waitUntil - System.nanoTime(),
						this.settings.pollTimeout().plusSeconds(1).toNanos())));
			}
			this.fetchers.clear();
			unregister();
			awaitRunningTasks(waitUntil);
			handBackUnfinished();
			// claims of running tasks were renewed until now, so no other worker took them meanwhile
			if (this.recovery != null) {
				this.recovery.shutdownNow();
				join(this.recovery);
			}
			closeCancellations();
			if (this.ownExecutor != null) {
				this.ownExecutor.shutdownNow();
				this.ownExecutor = null;
			}
			this.workers = null;
			if (this.promoter != null) {
				this.promoter.cancel(false);
			}
			// bounded so that stopping ends within the time kept for handing back (ShutdownBudget)
			this.writer.stop(Duration.ofSeconds(2));
			if (this.writerThread != null) {
				join(this.writerThread, Duration.ofSeconds(3));
			}
			if (this.scheduler != null) {
				this.scheduler.shutdownNow();
			}
			logger.info(() -> "Stopped task container '" + this.settings.consumerName() + "'");
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	private void closeCancellations() {
		AutoCloseable cancellations = this.cancellations;
		this.cancellations = null;
		if (cancellations != null) {
			try {
				cancellations.close();
			}
			catch (Exception ex) {
				logger.debug(ex, "Could not stop listening for cancellation requests");
			}
		}
	}

	/**
	 * Hand back the deliveries whose tasks did not finish within the shutdown timeout, so that
	 * another worker runs them at once instead of after the visibility timeout. Their handlers
	 * are interrupted and whatever they do afterwards is ignored; a task is handed back only once
	 * its handler's thread has left it, so that it never runs on two workers at once. A handler
	 * still running {@link TaskExecution#ABANDON_GRACE} after the interrupt keeps its task, which
	 * another worker takes over after the visibility timeout.
	 */
	private void handBackUnfinished() {
		List<TaskExecution> abandoned = new ArrayList<>();
		for (TaskExecution execution : this.inFlight.values()) {
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
				this.abandonedThreads.incrementAndGet();
				Thread thread = execution.getThread();
				logger.warn(() -> "Task " + ((execution.getTaskId() != null) ? execution.getTaskId() : delivery.deliveryId())
						+ " of queue '" + delivery.queue() + "' still runs after its interrupt on thread "
						+ ((thread != null) ? thread.getName() : "?") + "; it is not handed back, so that it never runs "
						+ "twice at once: another worker takes it over after gtask.worker.visibility-timeout ("
						+ this.settings.visibilityTimeout().toMillis() + " ms). Handlers should respond to interruption");
			}
			this.inFlight.remove(delivery);
			releaseLocalPermit(delivery);
			// its outcome will never be reported, so its slot is given back here
			release();
		}
		if (!exited.isEmpty()) {
			logger.warn(() -> "Handing back " + exited.size() + " task(s) still running after the shutdown timeout of "
					+ getShutdownBudget().taskWait().toMillis() + " ms, for another worker to run");
			handBack(exited);
		}
	}

	private static void join(ScheduledThreadPoolExecutor executor) {
		try {
			executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void awaitRunningTasks(long waitUntil) {
		int concurrency = this.settings.concurrency();
		try {
			if (this.slots.tryAcquire(concurrency, Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS)) {
				this.slots.release(concurrency);
			}
			else {
				logger.debug(() -> getActiveCount() + " task(s) still running after the shutdown timeout");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop(Runnable callback) {
		Thread stopper = new Thread(() -> {
			try {
				stop();
			}
			finally {
				callback.run();
			}
		}, "gtask-stop");
		stopper.setDaemon(true);
		stopper.start();
	}

	private static void join(Thread thread, Duration timeout) {
		try {
			thread.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Number of handler threads that ignored the interrupt of their timeout: still running a
	 * second after it, while their slot went to the next task.
	 * @return the count since the container was created
	 */
	public long getAbandonedThreads() {
		return this.abandonedThreads.get();
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
		return this.settings.concurrency() - this.slots.availablePermits();
	}

	/**
	 * The settings of this container.
	 * @return the settings
	 */
	public TaskContainerSettings getSettings() {
		return this.settings;
	}

	Instant now() {
		return this.clock.instant();
	}

	TaskMessageCodec getCodec() {
		return this.codec;
	}

	TaskRegistry getRegistry() {
		return this.registry;
	}

	TaskDefaults getDefaults() {
		return this.defaults;
	}

	ScheduledThreadPoolExecutor getScheduler() {
		ScheduledThreadPoolExecutor scheduler = this.scheduler;
		if (scheduler == null) {
			throw new IllegalStateException("Container is not started");
		}
		return scheduler;
	}

	/**
	 * Apply the commit of a manual-commit task whose handler has returned: its delivery was
	 * acknowledged then, so the commit is written at once; a requeue sends the task again.
	 */
	void commitLate(TaskMessage message, TaskExecution.Commit commit) {
		if (commit.kind() == TaskExecution.Commit.Kind.REQUEUE) {
			this.sender.resend(List.of(new TaskSender.Resend(message)), TaskOrigin.REQUEUE);
			return;
		}
		Instant now = now();
		TaskStateChange change = switch (commit.kind()) {
			case DONE -> {
				String json;
				try {
					json = this.codec.getJsonMapper().writeValueAsString(commit.result());
				}
				catch (tools.jackson.core.JacksonException ex) {
					throw new IllegalArgumentException("Result of task '" + message.name() + "' cannot be written as JSON: "
							+ ex.getOriginalMessage(), ex);
				}
				yield TaskStateChange.success(message.id(), message.name(), message.queue(), now, message.attempt(), json);
			}
			case FAILED -> TaskStateChange.failure(message.id(), message.name(), message.queue(), now,
					message.attempt(), TaskError.of(commit.error()));
			case REQUEUE -> throw new IllegalStateException("A requeue is sent again");
		};
		this.backend.update(List.of(change));
	}

	void write(Outcome outcome) {
		this.writer.add(outcome);
	}

	/**
	 * Write a state change at once, on the calling thread, rather than through the outcome
	 * writer.
	 */
	void writeNow(TaskStateChange change) {
		this.backend.update(List.of(change));
	}

	private void release(int count) {
		if (count <= 0) {
			return;
		}
		this.slots.release(count);
		SlotArbiter arbiter = this.arbiter;
		if (arbiter != null) {
			arbiter.released();
		}
	}

	void release() {
		this.slots.release();
		SlotArbiter arbiter = this.arbiter;
		if (arbiter != null) {
			arbiter.released();
		}
	}

	void handlerAbandoned(Thread thread, TaskMessage message) {
		long count = this.abandonedThreads.incrementAndGet();
		logger.warn(() -> "Handler of task '" + message.name() + "' (" + message.id() + ") still runs on thread "
				+ thread.getName() + " " + TaskExecution.ABANDON_GRACE.toMillis()
				+ " ms after its timeout interrupted it; its slot went to the next task (" + count
				+ " such thread(s) so far). Handlers should respond to interruption or check TaskContext.isCancelled()");
	}

}
