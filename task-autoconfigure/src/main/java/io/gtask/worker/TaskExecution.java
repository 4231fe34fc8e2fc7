package io.gtask.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import io.gtask.backend.TaskStateChange;
import io.gtask.broker.Delivery;
import io.gtask.broker.Settlement;
import io.gtask.core.ArgumentBindingException;
import io.gtask.core.DeadLetter;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskExpiredException;
import io.gtask.core.TaskRevokedException;
import io.gtask.core.TaskInterceptor;
import io.gtask.core.TaskTimeoutException;
import io.gtask.core.TaskVetoedException;
import io.gtask.core.UnknownTaskException;
import io.gtask.metrics.TaskOrigin;
import io.gtask.metrics.TaskOutcome;
import io.gtask.observation.TaskExecutionContext;
import io.gtask.observation.TaskObservations;
import io.gtask.registry.TaskHandlerMethod;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;
import tools.jackson.core.JacksonException;

/**
 * One attempt of one task on a worker thread: decode, bind, invoke under a timeout, and report
 * the outcome exactly once, whether the handler returns, throws, or runs past its deadline.
 */
final class TaskExecution implements Runnable {

	private static final LogAccessor logger = new LogAccessor(TaskExecution.class);

	/**
	 * How long a handler may take to return after the interrupt of its timeout before its thread
	 * counts as abandoned.
	 */
	static final Duration ABANDON_GRACE = Duration.ofSeconds(1);

	/**
	 * Logging context key of the id of the task a worker thread runs.
	 */
	static final String MDC_TASK_ID = "gtask.taskId";

	static final String MDC_TASK_NAME = "gtask.taskName";

	static final String MDC_QUEUE = "gtask.queue";

	static final String MDC_ATTEMPT = "gtask.attempt";

	private final TaskContainer container;

	private final Delivery delivery;

	private final AtomicBoolean finished = new AtomicBoolean();

	private final ReentrantLock interruptLock = new ReentrantLock();

	private volatile @Nullable Thread thread;

	/**
	 * Whether a worker thread took this attempt; guarded by the interrupt lock.
	 */
	private boolean started;

	/**
	 * Open once no thread runs this attempt, nor ever will.
	 */
	private final CountDownLatch exited = new CountDownLatch(1);

	private volatile @Nullable ScheduledFuture<?> timeoutFuture;

	private volatile @Nullable DefaultTaskContext context;

	private volatile @Nullable TaskMessage message;

	private final Object commitLock = new Object();

	/**
	 * When the handler was about to be invoked, by {@link System#nanoTime()}; 0 until then.
	 */
	private volatile long startedNanos;

	private ManualState manualState = ManualState.RUNNING;

	private @Nullable Commit pendingCommit;

	private volatile @Nullable Instant startedAt;

	TaskExecution(TaskContainer container, Delivery delivery) {
		this.container = container;
		this.delivery = delivery;
	}

	Delivery getDelivery() {
		return this.delivery;
	}

	/**
	 * The id of the task, once its message is read.
	 */
	@Nullable String getTaskId() {
		TaskMessage message = this.message;
		return (message != null) ? message.id() : null;
	}

	/**
	 * Cancel the running task on request: claim its outcome, cancel its context, interrupt it,
	 * and record it as revoked, without retry.
	 * @return whether it was cancelled (it had started and not finished)
	 */
	boolean cancel() {
		TaskMessage message = this.message;
		DefaultTaskContext context = this.context;
		if (message == null || context == null) {
			return false;
		}
		Thread running = this.thread;
		if (!stop()) {
			return false;
		}
		if (running != null) {
			this.container.getScheduler()
				.schedule(() -> checkAbandoned(running, message), ABANDON_GRACE.toMillis(), TimeUnit.MILLISECONDS);
		}
		TaskRevokedException ex = new TaskRevokedException("Task '" + message.name() + "' (" + message.id()
				+ ") was cancelled on request while running attempt " + message.attempt());
		logger.info(() -> ex.getMessage());
		record(message, TaskOutcome.REVOKED);
		this.container.write(Outcome.finish(TaskStateChange.revoked(message.id(), message.name(), message.queue(),
				this.container.now(), message.attempt(), TaskError.of(ex)), this.delivery).releasing(message));
		this.container.release();
		return true;
	}

	/**
	 * Give up this attempt at shutdown: if it has not finished, claim its outcome so that
	 * nothing the handler does later is recorded, cancel its context and interrupt it.
	 * @return whether the attempt was given up (it had not finished)
	 */
	boolean abandon() {
		return stop();
	}

	/**
	 * Wait until no thread runs this attempt any more, after {@link #abandon()}.
	 * @param deadline the end of the wait, by {@link System#nanoTime()}
	 * @return whether the handler's thread has left it (or never took it)
	 */
	boolean awaitExit(long deadline) {
		try {
			return this.exited.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this.exited.getCount() == 0;
		}
	}

	/**
	 * The thread that runs the handler now, if any.
	 */
	@Nullable Thread getThread() {
		return this.thread;
	}

	/**
	 * Claim the outcome of this attempt if it has not finished, cancel its context and
	 * interrupt its thread.
	 */
	private boolean stop() {
		this.interruptLock.lock();
		try {
			if (!this.finished.compareAndSet(false, true)) {
				return false;
			}
			ScheduledFuture<?> future = this.timeoutFuture;
			if (future != null) {
				future.cancel(false);
			}
			DefaultTaskContext context = this.context;
			if (context != null) {
				context.cancel();
			}
			Thread running = this.thread;
			if (running != null) {
				running.interrupt();
			}
			if (!this.started) {
				// run() will see it finished and return at once
				this.exited.countDown();
			}
			return true;
		}
		finally {
			this.interruptLock.unlock();
		}
	}

	@Override
	public void run() {
		this.interruptLock.lock();
		try {
			// checked under the lock that stop() takes, so that an attempt given up at shutdown
			// either never starts or has its thread interrupted
			if (this.finished.get()) {
				this.exited.countDown();
				return;
			}
			this.started = true;
			this.thread = Thread.currentThread();
		}
		finally {
			this.interruptLock.unlock();
		}
		try {
			execute();
		}
		finally {
			this.interruptLock.lock();
			try {
				this.thread = null;
			}
			finally {
				this.interruptLock.unlock();
			}
			// a timeout may have interrupted this thread just as the handler returned
			Thread.interrupted();
			this.exited.countDown();
		}
	}

	private void execute() {
		TaskMessage read = null;
		try {
			if (this.delivery.payload() == null) {
				throw new MalformedTaskMessageException("Queue entry " + this.delivery.deliveryId()
						+ " has no message field", null, null);
			}
			read = this.container.getCodec().decode(this.delivery.payload());
			TaskMessageRules.checkReceived(read, this.delivery.queue(), this.delivery.payload().length,
					this.container.getMaxPayloadSize());
		}
		catch (MalformedTaskMessageException ex) {
			malformed(ex, read);
			return;
		}
		TaskMessage message = read;
		this.message = message;
		TaskHandlerMethod handler = this.container.getRegistry().find(message.name());
		Instant now = this.container.now();
		if (message.expiresAt() != null && now.toEpochMilli() > message.expiresAt()) {
			expired(message, now);
			return;
		}
		if (this.container.isCancelRequested(message.id())) {
			revokedBeforeStart(message, now);
			return;
		}
		if (handler == null) {
			UnknownTaskException ex = new UnknownTaskException("No handler is registered for task '" + message.name()
					+ "' (queue '" + message.queue() + "')");
			record(message, TaskOutcome.FAILURE);
			finish(message, now, TaskError.of(ex), message.attempt() - 1);
			return;
		}
		TaskDefaults defaults = this.container.getDefaults();
		Duration timeout = (message.timeoutMillis() != null) ? Duration.ofMillis(message.timeoutMillis())
				: (handler.getTimeout() != null) ? handler.getTimeout() : defaults.timeout();
		int maxRetries = (message.maxRetries() != null) ? message.maxRetries()
				: (handler.getMaxRetries() != null) ? handler.getMaxRetries() : defaults.maxRetries();
		DefaultTaskContext context = new DefaultTaskContext(message.id(), message.name(), message.queue(),
				message.attempt(), maxRetries, now.plus(timeout), handler.isManualCommit() ? this : null);
		this.context = context;
		this.startedAt = now;
		this.container.write(Outcome.state(TaskStateChange.started(message.id(), message.name(), message.queue(),
				now, message.attempt())));
		this.container.getMetrics().started(message.queue(), message.name(), waitNanos(message, now));
		this.startedNanos = System.nanoTime();
		this.timeoutFuture = this.container.getScheduler()
			.schedule(() -> timedOut(message, handler, context, timeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
		Object result;
		try {
			Object[] values = handler.bind(this.container.getCodec().getJsonMapper(), message.args(), context);
			result = invoke(handler, context, values, message);
		}
		catch (ArgumentBindingException ex) {
			if (claim()) {
				record(message, TaskOutcome.FAILURE);
				finish(message, this.container.now(), TaskError.of(ex));
			}
			return;
		}
		catch (Throwable ex) {
			if (claim()) {
				if (handler.isManualCommit() && hasPendingCommit()) {
					// the handler chose the outcome before it threw: the commit stands
					logger.warn(ex, () -> "Handler of task '" + message.name() + "' (" + message.id()
							+ ") threw after it committed; the commit stands");
					returned(message);
				}
				else {
					failed(message, handler, maxRetries, ex);
				}
			}
			return;
		}
		if (claim()) {
			if (handler.isManualCommit()) {
				returned(message);
			}
			else {
				succeeded(message, result);
			}
		}
	}

	/**
	 * Invoke the handler through the interceptors, with the task named in the logging context
	 * of the worker thread.
	 */
	private @Nullable Object invoke(TaskHandlerMethod handler, DefaultTaskContext context, @Nullable Object[] values,
			TaskMessage message) throws Throwable {
		boolean mdc = this.container.isMdcEnabled();
		if (mdc) {
			MDC.put(MDC_TASK_ID, message.id());
			MDC.put(MDC_TASK_NAME, message.name());
			MDC.put(MDC_QUEUE, message.queue());
			MDC.put(MDC_ATTEMPT, Integer.toString(message.attempt()));
		}
		Observation observation = Observation
			.createNotStarted(TaskObservations.EXECUTE, () -> new TaskExecutionContext(message.id(), message.name(),
					message.queue(), message.attempt(), message.headers()), this.container.getObservationRegistry())
			.contextualName(message.queue() + " process")
			.lowCardinalityKeyValue(TaskObservations.TASK, message.name())
			.lowCardinalityKeyValue(TaskObservations.QUEUE, message.queue())
			.highCardinalityKeyValue(TaskObservations.TASK_ID, message.id())
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			List<TaskInterceptor> interceptors = this.container.getInterceptors();
			return interceptors.isEmpty() ? handler.invoke(values)
					: new InterceptorChain(interceptors, handler, context, values, message.headers()).proceed();
		}
		catch (Throwable ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
			if (mdc) {
				MDC.remove(MDC_TASK_ID);
				MDC.remove(MDC_TASK_NAME);
				MDC.remove(MDC_QUEUE);
				MDC.remove(MDC_ATTEMPT);
			}
		}
	}

	/**
	 * The handler of a manual-commit task returned: apply what it committed, or acknowledge
	 * the delivery and leave the task STARTED until it is committed.
	 */
	private void returned(TaskMessage message) {
		Commit commit;
		synchronized (this.commitLock) {
			commit = this.pendingCommit;
			this.manualState = (commit != null) ? ManualState.CLOSED : ManualState.RETURNING;
		}
		if (commit == null) {
			awaitingCommit(message);
			synchronized (this.commitLock) {
				commit = this.pendingCommit;
				this.manualState = (commit != null) ? ManualState.CLOSED : ManualState.AWAITING_COMMIT;
			}
		}
		if (commit == null) {
			this.container.write(Outcome.finish(null, this.delivery).releasing(message));
			this.container.release();
		}
		else if (commit.kind() == Commit.Kind.DONE) {
			succeeded(message, commit.result());
		}
		else if (commit.kind() == Commit.Kind.FAILED) {
			record(message, TaskOutcome.FAILURE);
			finish(message, this.container.now(), TaskError.of(commit.error()));
		}
		else {
			// handed back with its delivery's settlement; counted as a late requeue, sent again, is
			this.container.write(new Outcome(TaskStateChange.requeued(message.id(), message.name(), message.queue(),
					this.container.now()), Settlement.retryLater(this.delivery, this.container.getCodec().encode(message),
							this.container.now())).releasing(message));
			this.container.getMetrics().sent(message.queue(), message.name(), TaskOrigin.REQUEUE);
			this.container.release();
		}
	}

	/**
	 * Record that the handler returned, so that the reaper's timeout counts from now rather than
	 * from the start. Written at once, before commits are applied directly, so that it never
	 * overwrites a commit that follows it; a commit made meanwhile is remembered and applied
	 * after it.
	 */
	private void awaitingCommit(TaskMessage message) {
		Instant startedAt = this.startedAt;
		if (startedAt == null) {
			return;
		}
		try {
			this.container.writeNow(TaskStateChange.awaitingCommit(message.id(), message.name(), message.queue(),
					this.container.now(), message.attempt(), startedAt));
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not record that the handler of task '" + message.name() + "' ("
					+ message.id() + ") returned; the reaper's timeout counts from its start");
		}
	}

	private boolean hasPendingCommit() {
		synchronized (this.commitLock) {
			return this.pendingCommit != null;
		}
	}

	/**
	 * Commit a manual-commit task: remembered until its handler returns, or applied at once if
	 * it has returned.
	 */
	void commit(Commit commit) {
		TaskMessage message = this.message;
		synchronized (this.commitLock) {
			if (message == null || this.manualState == ManualState.CLOSED
					|| (this.manualState == ManualState.RUNNING && this.finished.get())
					|| (this.manualState == ManualState.RETURNING && this.pendingCommit != null)) {
				throw new IllegalStateException("Task " + ((message != null) ? "'" + message.name() + "' (" + message.id()
						+ ")" : "") + " was committed or finished already");
			}
			ManualState state = this.manualState;
			if (state == ManualState.RUNNING || state == ManualState.RETURNING) {
				this.pendingCommit = commit;
				if (state == ManualState.RUNNING) {
					this.manualState = ManualState.CLOSED;
				}
				return;
			}
			this.manualState = ManualState.CLOSED;
		}
		this.container.commitLate(message, commit);
	}

	private enum ManualState {

		RUNNING, RETURNING, AWAITING_COMMIT, CLOSED

	}

	/**
	 * The outcome a manual-commit handler chose.
	 *
	 * @param kind done, failed or back to the queue
	 * @param result the result, when done
	 * @param error the error, when failed
	 */
	record Commit(Kind kind, @Nullable Object result, @Nullable Throwable error) {

		static Commit done(@Nullable Object result) {
			return new Commit(Kind.DONE, result, null);
		}

		static Commit failed(Throwable error) {
			return new Commit(Kind.FAILED, null, error);
		}

		static Commit requeue() {
			return new Commit(Kind.REQUEUE, null, null);
		}

		enum Kind {

			DONE, FAILED, REQUEUE

		}

	}

	/**
	 * Take the right to report the outcome of this attempt: the handler's return and its
	 * timeout race for it.
	 */
	private boolean claim() {
		if (!this.finished.compareAndSet(false, true)) {
			return false;
		}
		ScheduledFuture<?> future = this.timeoutFuture;
		if (future != null) {
			future.cancel(false);
		}
		return true;
	}

	private void succeeded(TaskMessage message, @Nullable Object result) {
		String json;
		try {
			json = this.container.getCodec().getJsonMapper().writeValueAsString(result);
		}
		catch (JacksonException ex) {
			record(message, TaskOutcome.FAILURE);
			finish(message, this.container.now(), new TaskError(ex.getClass().getName(),
					"Result of task '" + message.name() + "' cannot be written as JSON: " + ex.getOriginalMessage()));
			return;
		}
		record(message, TaskOutcome.SUCCESS);
		this.container.write(Outcome.finish(TaskStateChange.success(message.id(), message.name(), message.queue(),
				this.container.now(), message.attempt(), json), this.delivery).releasing(message));
		this.container.release();
	}

	private void failed(TaskMessage message, TaskHandlerMethod handler, int maxRetries, Throwable ex) {
		Instant now = this.container.now();
		TaskError error = TaskError.of(ex);
		boolean retryable = message.attempt() <= maxRetries && isRetryable(handler, ex);
		record(message, (ex instanceof TaskTimeoutException) ? TaskOutcome.TIMEOUT
				: retryable ? TaskOutcome.RETRY : TaskOutcome.FAILURE);
		if (!retryable) {
			logger.debug(ex, () -> "Task '" + message.name() + "' (" + message.id() + ") failed");
			finish(message, now, error);
			return;
		}
		Instant next = now.plusMillis(backoff(handler, message));
		TaskMessage retry = message.nextAttempt();
		this.container.write(Outcome.retry(TaskStateChange.retry(message.id(), message.name(), message.queue(), now,
				message.attempt(), error, next), this.delivery, this.container.getCodec().encode(retry), next));
		this.container.release();
	}

	private boolean isRetryable(TaskHandlerMethod handler, Throwable ex) {
		if (ex instanceof TaskVetoedException) {
			return false;
		}
		for (Class<? extends Throwable> type : handler.getNoRetryFor()) {
			if (type.isInstance(ex)) {
				return false;
			}
		}
		for (Class<? extends Throwable> type : this.container.getDefaults().noRetryFor()) {
			if (type.isInstance(ex)) {
				return false;
			}
		}
		return true;
	}

	private long backoff(TaskHandlerMethod handler, TaskMessage message) {
		TaskDefaults defaults = this.container.getDefaults();
		long initial = (message.backoffMillis() != null) ? message.backoffMillis()
				: ((handler.getBackoff() != null) ? handler.getBackoff() : defaults.initialInterval()).toMillis();
		ExponentialBackOff backOff = new ExponentialBackOff(initial, defaults.multiplier());
		backOff.setMaxInterval(defaults.maxInterval().toMillis());
		backOff.setJitter(defaults.jitter().toMillis());
		BackOffExecution execution = backOff.start();
		long delay = 0;
		for (int i = 0; i < message.attempt(); i++) {
			delay = execution.nextBackOff();
		}
		return Math.max(0, delay);
	}

	private void finish(TaskMessage message, Instant at, TaskError error) {
		finish(message, at, error, message.attempt());
	}

	private void finish(TaskMessage message, Instant at, TaskError error, int attempts) {
		DeadLetter letter = new DeadLetter(this.delivery.deliveryId(), this.delivery.queue(), message.id(),
				message.name(), error.message(), error.type(), attempts, this.delivery.deliveryCount(), at, payload());
		this.container.getMetrics().deadLettered(message.queue(), message.name());
		this.container.write(Outcome.dead(TaskStateChange.failure(message.id(), message.name(), message.queue(), at,
				attempts, error), this.delivery, letter).releasing(message));
		this.container.release();
	}

	private void revokedBeforeStart(TaskMessage message, Instant now) {
		if (!this.finished.compareAndSet(false, true)) {
			return;
		}
		TaskRevokedException ex = new TaskRevokedException("Task '" + message.name() + "' (" + message.id()
				+ ") was cancelled on request before it started; it did not run");
		logger.info(() -> ex.getMessage());
		record(message, TaskOutcome.REVOKED);
		this.container.write(Outcome.finish(TaskStateChange.revoked(message.id(), message.name(), message.queue(), now,
				message.attempt() - 1, TaskError.of(ex)), this.delivery).releasing(message));
		this.container.release();
	}

	private void expired(TaskMessage message, Instant now) {
		if (!this.finished.compareAndSet(false, true)) {
			return;
		}
		TaskExpiredException ex = new TaskExpiredException("Task '" + message.name() + "' (" + message.id()
				+ ") was not started before it expired at " + Instant.ofEpochMilli(message.expiresAt()) + "; it did not run");
		logger.debug(() -> ex.getMessage());
		record(message, TaskOutcome.EXPIRED);
		this.container.write(Outcome.finish(TaskStateChange.expired(message.id(), message.name(), message.queue(), now,
				message.attempt() - 1, TaskError.of(ex)), this.delivery).releasing(message));
		this.container.release();
	}

	private byte[] payload() {
		byte[] payload = this.delivery.payload();
		return (payload != null) ? payload : new byte[0];
	}

	private void timedOut(TaskMessage message, TaskHandlerMethod handler, DefaultTaskContext context,
			Duration timeout) {
		this.interruptLock.lock();
		try {
			if (!this.finished.compareAndSet(false, true)) {
				return;
			}
			context.cancel();
			Thread running = this.thread;
			if (running != null) {
				running.interrupt();
				// a handler that responds to the interrupt is gone well before this check
				this.container.getScheduler()
					.schedule(() -> checkAbandoned(running, message), ABANDON_GRACE.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		finally {
			this.interruptLock.unlock();
		}
		TaskTimeoutException ex = new TaskTimeoutException("Task '" + message.name() + "' (" + message.id()
				+ ") timed out after " + timeout.toMillis() + " ms on attempt " + message.attempt());
		if (handler.isManualCommit() && hasPendingCommit()) {
			// the handler chose the outcome before it timed out: the commit stands
			logger.warn(() -> ex.getMessage() + " after it committed; the commit stands");
			returned(message);
			return;
		}
		logger.info(() -> ex.getMessage());
		failed(message, handler, context.maxRetries(), ex);
	}

	private void checkAbandoned(Thread running, TaskMessage message) {
		if (this.thread == running) {
			this.container.handlerAbandoned(running, message);
		}
	}

	/**
	 * Set aside a message that is not valid, or breaks the rules of sending; a message that was
	 * read but broke a rule tells the name its task is recorded with, if that name is valid.
	 */
	private void malformed(MalformedTaskMessageException ex, @Nullable TaskMessage read) {
		logger.warn(() -> "Setting aside malformed message " + this.delivery.deliveryId() + " of queue '"
				+ this.delivery.queue() + "' as a dead letter: " + ex.getMessage());
		Instant now = this.container.now();
		// an id the rules refuse is not recorded: no sender could have sent it
		String id = (ex.getTaskId() != null && TaskMessageRules.idProblem(ex.getTaskId()) == null) ? ex.getTaskId()
				: null;
		String name = (read != null && TaskMessageRules.nameProblem(read.name()) == null) ? read.name() : null;
		TaskStateChange change = null;
		if (id != null) {
			change = TaskStateChange.failure(id, (name != null) ? name : "", this.delivery.queue(), now, 0,
					TaskError.of(ex));
		}
		DeadLetter letter = new DeadLetter(this.delivery.deliveryId(), this.delivery.queue(), id, name,
				String.valueOf(ex.getMessage()), ex.getClass().getName(), 0, this.delivery.deliveryCount(), now,
				payload());
		this.container.getMetrics().deadLettered(this.delivery.queue(), null);
		this.container.write(Outcome.dead(change, this.delivery, letter));
		this.container.release();
	}

	/**
	 * Tell the metrics how this attempt ended, with how long its handler ran if it was invoked.
	 */
	private void record(TaskMessage message, TaskOutcome outcome) {
		long started = this.startedNanos;
		long duration = (started != 0) ? Math.max(0, System.nanoTime() - started) : -1;
		this.container.getMetrics().finished(message.queue(), message.name(), outcome, duration);
	}

	/**
	 * How long the first attempt of a task waited since it was sent, or since it was due; a
	 * retry waited for its back-off, which is not counted.
	 */
	private static long waitNanos(TaskMessage message, Instant now) {
		if (message.attempt() != 1) {
			return -1;
		}
		long from = message.createdAt();
		String due = message.headers().get(TaskMessage.DUE_HEADER);
		if (due != null) {
			try {
				from = Math.max(from, Long.parseLong(due));
			}
			catch (NumberFormatException ex) {
				// written by another sender: measured from when it was sent
			}
		}
		return TimeUnit.MILLISECONDS.toNanos(Math.max(0, now.toEpochMilli() - from));
	}

}
