package io.gtask.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.gtask.broker.Delivery;
import io.gtask.core.ArgumentBindingException;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskExpiredException;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskRevokedException;
import io.gtask.core.TaskTimeoutException;
import io.gtask.core.TaskVersionException;
import io.gtask.core.UnknownTaskException;
import io.gtask.flow.BatchTracker;
import io.gtask.metrics.TaskOutcome;
import io.gtask.registry.TaskHandlerMethod;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ArrayNode;

/**
 * One attempt of one task on a worker thread: decode, fit its version to the handler's, bind,
 * invoke under a timeout, and end exactly once, whether the handler returns, throws, runs past
 * its deadline, or is cancelled.
 * The handler's return, its timeout, a cancellation and shutdown race to claim the outcome; the
 * winner decides how the attempt ends and tells the {@link ExecutionFinisher}, which writes the
 * outcome and gives back the slot.
 */
final class TaskExecution implements Runnable {

	private static final LogAccessor logger = new LogAccessor(TaskExecution.class);

	/**
	 * How long a handler may take to return after the interrupt of its timeout before its thread
	 * counts as abandoned.
	 */
	static final Duration ABANDON_GRACE = Duration.ofSeconds(1);

	private final Delivery delivery;

	private final ExecutionSupport support;

	private final ExecutionFinisher finisher;

	private final AttemptGuard guard = new AttemptGuard();

	private volatile @Nullable DefaultTaskContext context;

	private volatile @Nullable TaskMessage message;

	private volatile @Nullable ManualCommit manualCommit;

	/**
	 * When the handler was about to be invoked, by {@link System#nanoTime()}; 0 until then.
	 */
	private volatile long startedNanos;

	private volatile @Nullable Instant startedAt;

	TaskExecution(Delivery delivery, ExecutionSupport support) {
		this.delivery = delivery;
		this.support = support;
		this.finisher = support.finisher();
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
	 * The thread that runs the handler now, if any.
	 */
	@Nullable Thread getThread() {
		return this.guard.thread();
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
		if (!this.guard.stop((running) -> watchForAbandon(running, message))) {
			return false;
		}
		TaskRevokedException ex = new TaskRevokedException("Task '" + message.name() + "' (" + message.id()
				+ ") was cancelled on request while running attempt " + message.attempt());
		logger.info(() -> ex.getMessage());
		record(message, TaskOutcome.REVOKED);
		this.finisher.revoked(this.delivery, message, TaskError.of(ex), message.attempt(), now());
		return true;
	}

	/**
	 * Give up this attempt at shutdown: if it has not finished, claim its outcome so that
	 * nothing the handler does later is recorded, cancel its context and interrupt it.
	 * @return whether the attempt was given up (it had not finished)
	 */
	boolean abandon() {
		return this.guard.stop(AttemptGuard.NO_WATCH);
	}

	/**
	 * Wait until no thread runs this attempt any more, after {@link #abandon()}.
	 * @param deadline the end of the wait, by {@link System#nanoTime()}
	 * @return whether the handler's thread has left it (or never took it)
	 */
	boolean awaitExit(long deadline) {
		return this.guard.awaitExit(deadline);
	}

	@Override
	public void run() {
		if (!this.guard.enter()) {
			return;
		}
		try {
			execute();
		}
		finally {
			this.guard.leave();
		}
	}

	private void execute() {
		TaskMessage read = null;
		try {
			if (this.delivery.payload() == null) {
				throw new MalformedTaskMessageException("Queue entry " + this.delivery.deliveryId()
						+ " has no message field", null, null);
			}
			read = this.support.codec().decode(this.delivery.payload());
			TaskMessageRules.checkReceived(read, this.delivery.queue(), this.delivery.payload().length,
					this.support.maxPayloadSize());
		}
		catch (MalformedTaskMessageException ex) {
			this.finisher.malformed(this.delivery, ex, read);
			return;
		}
		TaskMessage message = read;
		this.message = message;
		TaskHandlerMethod handler = this.support.registry().find(message.name());
		Instant now = now();
		if (message.expiresAt() != null && now.toEpochMilli() > message.expiresAt()) {
			expired(message, now);
			return;
		}
		if (this.support.cancellations().isRequested(message.id())) {
			revokedBeforeStart(message, now);
			return;
		}
		if (handler == null) {
			UnknownTaskException ex = new UnknownTaskException("No handler is registered for task '" + message.name()
					+ "' (queue '" + message.queue() + "')");
			record(message, TaskOutcome.FAILURE);
			this.finisher.failed(this.delivery, message, TaskError.of(ex), message.attempt() - 1, now);
			return;
		}
		ArrayNode args;
		try {
			if (this.support.versions().isNewer(message, handler)) {
				handBack(message, handler, now);
				return;
			}
			args = this.support.versions().args(message, handler);
		}
		catch (TaskVersionException ex) {
			versionFailed(message, ex, now);
			return;
		}
		Duration timeout = (message.timeoutMillis() != null) ? Duration.ofMillis(message.timeoutMillis())
				: (handler.getTimeout() != null) ? handler.getTimeout() : this.support.defaults().timeout();
		int maxRetries = this.support.retryPolicy().maxRetries(message, handler);
		ManualCommit manualCommit = handler.isManualCommit()
				? new ManualCommit(message, now, this.guard::isFinished, this.support.commits()) : null;
		this.manualCommit = manualCommit;
		DefaultTaskContext context = new DefaultTaskContext(message.id(), message.name(), message.queue(),
				message.attempt(), maxRetries, now.plus(timeout), manualCommit,
				this.support.progress().attempt(message.id(), message.name()),
				message.headers().get(BatchTracker.HEADER));
		this.context = context;
		this.guard.setContext(context);
		this.finisher.started(message, now);
		this.startedAt = now;
		this.startedNanos = System.nanoTime();
		this.guard.setTimeout(this.support.timer()
			.schedule(() -> timedOut(message, handler, context, timeout), timeout.toMillis(), TimeUnit.MILLISECONDS));
		Object result;
		try {
			Object[] values = handler.bind(this.support.codec().getJsonMapper(), args, context);
			try {
				result = this.support.invoker().invoke(handler, context, values, message);
			}
			finally {
				context.flushProgress();
			}
		}
		catch (ArgumentBindingException ex) {
			if (this.guard.claim()) {
				record(message, TaskOutcome.FAILURE);
				this.finisher.failed(this.delivery, message, TaskError.of(ex), message.attempt(), now());
			}
			return;
		}
		catch (Throwable ex) {
			if (this.guard.claim()) {
				if (manualCommit != null && manualCommit.hasPending()) {
					// the handler chose the outcome before it threw: the commit stands
					logger.warn(ex, () -> "Handler of task '" + message.name() + "' (" + message.id()
							+ ") threw after it committed; the commit stands");
					returned(message, manualCommit);
				}
				else {
					failed(message, handler, maxRetries, ex);
				}
			}
			return;
		}
		if (this.guard.claim()) {
			if (manualCommit != null) {
				returned(message, manualCommit);
			}
			else {
				succeeded(message, result);
			}
		}
	}

	/**
	 * The handler of a manual-commit task returned: apply what it committed, or acknowledge
	 * the delivery and leave the task STARTED until it is committed.
	 */
	private void returned(TaskMessage message, ManualCommit manualCommit) {
		ManualCommit.Commit commit = manualCommit.returned();
		if (commit == null) {
			this.finisher.awaitingCommit(this.delivery, message);
		}
		else if (commit.kind() == ManualCommit.Commit.Kind.DONE) {
			succeeded(message, commit.result());
		}
		else if (commit.kind() == ManualCommit.Commit.Kind.FAILED) {
			record(message, TaskOutcome.FAILURE);
			this.finisher.failed(this.delivery, message, TaskError.of(commit.error()), message.attempt(), now());
		}
		else {
			this.finisher.requeued(this.delivery, message);
		}
	}

	private void succeeded(TaskMessage message, @Nullable Object result) {
		String json;
		try {
			json = this.support.codec().writeResult(message.id(), result);
		}
		catch (JacksonException ex) {
			record(message, TaskOutcome.FAILURE);
			this.finisher.failed(this.delivery, message, new TaskError(ex.getClass().getName(),
					"Result of task '" + message.name() + "' cannot be written as JSON: " + ex.getOriginalMessage()),
					message.attempt(), now());
			return;
		}
		record(message, TaskOutcome.SUCCESS);
		this.finisher.succeeded(this.delivery, message, json, this.startedAt);
	}

	private void failed(TaskMessage message, TaskHandlerMethod handler, int maxRetries, Throwable ex) {
		Instant now = now();
		TaskError error = TaskError.of(ex);
		RetryDecision decision = this.support.retryPolicy().decide(message, handler, maxRetries, ex, now);
		record(message, (ex instanceof TaskTimeoutException) ? TaskOutcome.TIMEOUT
				: decision.retry() ? TaskOutcome.RETRY : TaskOutcome.FAILURE);
		Instant next = decision.nextAttemptAt();
		if (next == null) {
			logger.debug(ex, () -> "Task '" + message.name() + "' (" + message.id() + ") failed");
			this.finisher.failed(this.delivery, message, error, message.attempt(), now, ex, this.startedAt);
			return;
		}
		this.finisher.retry(this.delivery, message, error, now, next);
	}

	private void revokedBeforeStart(TaskMessage message, Instant now) {
		if (!this.guard.claimBeforeStart()) {
			return;
		}
		TaskRevokedException ex = new TaskRevokedException("Task '" + message.name() + "' (" + message.id()
				+ ") was cancelled on request before it started; it did not run");
		logger.info(() -> ex.getMessage());
		record(message, TaskOutcome.REVOKED);
		this.finisher.revoked(this.delivery, message, TaskError.of(ex), message.attempt() - 1, now);
	}

	/**
	 * The message is of a newer version than its handler here: hand it back for a newer
	 * worker, or fail it once it was handed back for longer than its window.
	 */
	private void handBack(TaskMessage message, TaskHandlerMethod handler, Instant now) {
		TaskMessage handedBack;
		try {
			handedBack = this.support.versions().handBack(message, handler, now);
		}
		catch (TaskVersionException ex) {
			versionFailed(message, ex, now);
			return;
		}
		if (!this.guard.claimBeforeStart()) {
			return;
		}
		Instant until = this.support.versions().handBackUntil(now);
		logger.debug(() -> "Task '" + message.name() + "' (" + message.id() + ") is of a newer version than its handler"
				+ " here (version " + handler.getVersion() + "); handed back for a newer worker until " + until);
		this.finisher.handedBack(this.delivery, handedBack, until);
	}

	private void versionFailed(TaskMessage message, TaskVersionException ex, Instant now) {
		if (!this.guard.claimBeforeStart()) {
			return;
		}
		logger.warn(() -> ex.getMessage());
		record(message, TaskOutcome.FAILURE);
		this.finisher.failed(this.delivery, message, TaskError.of(ex), message.attempt() - 1, now, ex, null);
	}

	private void expired(TaskMessage message, Instant now) {
		if (!this.guard.claimBeforeStart()) {
			return;
		}
		TaskExpiredException ex = new TaskExpiredException("Task '" + message.name() + "' (" + message.id()
				+ ") was not started before it expired at " + Instant.ofEpochMilli(message.expiresAt()) + "; it did not run");
		logger.debug(() -> ex.getMessage());
		record(message, TaskOutcome.EXPIRED);
		this.finisher.expired(this.delivery, message, TaskError.of(ex), now);
	}

	private void timedOut(TaskMessage message, TaskHandlerMethod handler, DefaultTaskContext context,
			Duration timeout) {
		// a handler that responds to the interrupt is gone well before the check for abandon
		if (!this.guard.stop((running) -> watchForAbandon(running, message))) {
			return;
		}
		TaskTimeoutException ex = new TaskTimeoutException("Task '" + message.name() + "' (" + message.id()
				+ ") timed out after " + timeout.toMillis() + " ms on attempt " + message.attempt());
		ManualCommit manualCommit = this.manualCommit;
		if (manualCommit != null && manualCommit.hasPending()) {
			// the handler chose the outcome before it timed out: the commit stands
			logger.warn(() -> ex.getMessage() + " after it committed; the commit stands");
			returned(message, manualCommit);
			return;
		}
		logger.info(() -> ex.getMessage());
		failed(message, handler, context.maxRetries(), ex);
	}

	/**
	 * Count the handler's thread as abandoned if it still runs this attempt
	 * {@link #ABANDON_GRACE} after its interrupt.
	 */
	private void watchForAbandon(Thread running, TaskMessage message) {
		this.support.timer().schedule(() -> {
			if (this.guard.thread() == running) {
				this.support.abandonedThreads().afterTimeout(running, message);
			}
		}, ABANDON_GRACE.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Tell the metrics how this attempt ended, with how long its handler ran if it was invoked.
	 */
	private void record(TaskMessage message, TaskOutcome outcome) {
		long started = this.startedNanos;
		long duration = (started != 0) ? Math.max(0, System.nanoTime() - started) : -1;
		this.support.metrics().finished(message.queue(), message.name(), outcome, duration);
	}

	private Instant now() {
		return this.support.clock().instant();
	}

}
