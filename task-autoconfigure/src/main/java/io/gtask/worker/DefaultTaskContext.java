package io.gtask.worker;

import java.time.Instant;

import io.gtask.core.TaskContext;
import org.jspecify.annotations.Nullable;

/**
 * The {@link TaskContext} of one attempt.
 */
final class DefaultTaskContext implements TaskContext {

	private final String id;

	private final String name;

	private final String queue;

	private final int attempt;

	private final int maxRetries;

	private final Instant deadline;

	private volatile boolean cancelled;

	private final @Nullable ManualCommit manualCommit;

	private final ProgressReporter.@Nullable Attempt progress;

	private final @Nullable String batchId;

	DefaultTaskContext(String id, String name, String queue, int attempt, int maxRetries, Instant deadline,
			@Nullable ManualCommit manualCommit, ProgressReporter.@Nullable Attempt progress, @Nullable String batchId) {
		this.manualCommit = manualCommit;
		this.progress = progress;
		this.batchId = batchId;
		this.id = id;
		this.name = name;
		this.queue = queue;
		this.attempt = attempt;
		this.maxRetries = maxRetries;
		this.deadline = deadline;
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public String queue() {
		return this.queue;
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
		return this.deadline;
	}

	/**
	 * Write the progress report still waiting for its interval, as the handler returned.
	 */
	void flushProgress() {
		if (this.progress != null) {
			this.progress.finish();
		}
	}

	@Override
	public @Nullable String batchId() {
		return this.batchId;
	}

	@Override
	public boolean isCancelled() {
		return this.cancelled;
	}

	@Override
	public void progress(double fraction, @Nullable String message, @Nullable Object detail) {
		if (this.progress != null) {
			this.progress.report(fraction, message, detail);
		}
	}

	@Override
	public boolean isManualCommit() {
		return this.manualCommit != null;
	}

	@Override
	public void commit(@Nullable Object result) {
		committer().commit(ManualCommit.Commit.done(result));
	}

	@Override
	public void commitFailure(Throwable error) {
		committer().commit(ManualCommit.Commit.failed(error));
	}

	@Override
	public void commitRequeue() {
		committer().commit(ManualCommit.Commit.requeue());
	}

	private ManualCommit committer() {
		ManualCommit commit = this.manualCommit;
		if (commit == null) {
			throw new IllegalStateException("Task '" + this.name + "' (" + this.id + ") commits automatically when its "
					+ "handler returns; declare @TaskHandler(manualCommit = true) to commit it by hand");
		}
		return commit;
	}

	void cancel() {
		this.cancelled = true;
	}

	@Override
	public String toString() {
		return "TaskContext[" + this.name + " " + this.id + " attempt " + this.attempt + "]";
	}

}
