package io.gtask.worker;

import java.time.Instant;

import io.gtask.core.TaskContext;

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

	DefaultTaskContext(String id, String name, String queue, int attempt, int maxRetries, Instant deadline) {
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

	@Override
	public boolean isCancelled() {
		return this.cancelled;
	}

	void cancel() {
		this.cancelled = true;
	}

	@Override
	public String toString() {
		return "TaskContext[" + this.name + " " + this.id + " attempt " + this.attempt + "]";
	}

}
