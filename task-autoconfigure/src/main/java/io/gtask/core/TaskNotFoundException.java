package io.gtask.core;

/**
 * Thrown when the result backend does not know a task id: it was never sent, or its state
 * expired after {@code gtask.result.ttl}.
 */
public class TaskNotFoundException extends GTaskException {

	private static final long serialVersionUID = 1L;

	private final String taskId;

	/**
	 * Create an exception for an unknown id.
	 * @param taskId the id
	 */
	public TaskNotFoundException(String taskId) {
		super("No task with id '" + taskId + "' is known to the result backend (never sent, or expired)");
		this.taskId = taskId;
	}

	/**
	 * The id that was asked for.
	 * @return the id
	 */
	public String getTaskId() {
		return this.taskId;
	}

}
