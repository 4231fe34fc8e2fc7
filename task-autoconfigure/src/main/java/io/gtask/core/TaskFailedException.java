package io.gtask.core;

import java.util.Objects;

/**
 * Thrown when the result of a task is asked for and the task ended without one: in
 * {@link TaskStatus#FAILURE}, {@link TaskStatus#REVOKED} or {@link TaskStatus#EXPIRED}.
 */
public class TaskFailedException extends GTaskException {

	private static final long serialVersionUID = 1L;

	private final transient TaskInfo info;

	/**
	 * Create an exception for a failed task.
	 * @param info what is known of the task
	 */
	public TaskFailedException(TaskInfo info) {
		super("Task '" + info.name() + "' (" + info.id() + ") "
				+ ((info.status() == TaskStatus.FAILURE) ? "failed after " + info.attempts() + " attempt(s)"
						: "ended " + info.status())
				+ ": " + Objects.requireNonNullElse(info.error(), "no error recorded"));
		this.info = info;
	}

	/**
	 * What is known of the failed task, its error included.
	 * @return the task info
	 */
	public TaskInfo getInfo() {
		return this.info;
	}

}
