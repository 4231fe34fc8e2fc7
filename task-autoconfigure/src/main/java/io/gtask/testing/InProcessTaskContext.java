package io.gtask.testing;

import java.time.Instant;

import io.gtask.core.TaskContext;
import org.jspecify.annotations.Nullable;

/**
 * The context of one attempt of a task run by {@link InProcessTasks}: it has no deadline and
 * is never cancelled; a manual-commit handler's commit ends the task when it is made, during the
 * attempt or after it.
 */
final class InProcessTaskContext implements TaskContext {

	private final InProcessTasks tasks;

	private final InProcessTasks.State state;

	private final int attempt;

	private final int maxRetries;

	private final boolean manualCommit;

	private boolean committed;

	InProcessTaskContext(InProcessTasks tasks, InProcessTasks.State state, int attempt, int maxRetries,
			boolean manualCommit) {
		this.tasks = tasks;
		this.state = state;
		this.attempt = attempt;
		this.maxRetries = maxRetries;
		this.manualCommit = manualCommit;
	}

	@Override
	public String id() {
		return this.state.task.id();
	}

	@Override
	public String name() {
		return this.state.task.name();
	}

	@Override
	public String queue() {
		return this.state.queue;
	}

	@Override
	public int attempt() {
		return this.attempt;
	}

	@Override
	public int maxRetries() {
		return this.maxRetries;
	}

	@Override
	public Instant deadline() {
		return Instant.MAX;
	}

	@Override
	public boolean isCancelled() {
		return false;
	}

	@Override
	public boolean isManualCommit() {
		return this.manualCommit;
	}

	@Override
	public void commit(@Nullable Object result) {
		claimCommit();
		this.tasks.succeed(this.state, result);
	}

	@Override
	public void commitFailure(Throwable error) {
		claimCommit();
		this.tasks.fail(this.state, error);
	}

	@Override
	public void commitRequeue() {
		claimCommit();
		this.tasks.requeue(this.state);
	}

	@Override
	public void progress(double fraction, @Nullable String message, @Nullable Object detail) {
		this.tasks.progress(this.state, fraction, message, detail);
	}

	synchronized boolean committed() {
		return this.committed;
	}

	private synchronized void claimCommit() {
		if (!this.manualCommit) {
			throw new IllegalStateException("Task '" + name() + "' commits automatically: only a handler declared "
					+ "@TaskHandler(manualCommit = true) commits by hand");
		}
		if (this.committed) {
			throw new IllegalStateException("Task '" + name() + "' (" + id() + ") was committed already");
		}
		this.committed = true;
	}

}
