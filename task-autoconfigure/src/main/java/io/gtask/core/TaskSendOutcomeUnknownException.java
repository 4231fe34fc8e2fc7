package io.gtask.core;

import java.util.List;

/**
 * Thrown by {@link TaskClient} when tasks were recorded and their messages written to Redis, but
 * Redis did not confirm that it queued them (it did not answer in time, or the connection broke
 * after the commands were written): the tasks may run. Their records are kept, so the caller can
 * look them up by id ({@link TaskClient#find(String)}), wait for them, or revoke them.
 */
public class TaskSendOutcomeUnknownException extends TaskSendException {

	private static final long serialVersionUID = 1L;

	private final List<String> taskIds;

	/**
	 * Create an exception.
	 * @param message the message, which names the tasks
	 * @param taskIds the ids of the tasks whose outcome is unknown
	 * @param cause what Redis answered, or why it did not
	 */
	public TaskSendOutcomeUnknownException(String message, List<String> taskIds, Throwable cause) {
		super(message, cause);
		this.taskIds = List.copyOf(taskIds);
	}

	/**
	 * The ids of the tasks that may have been queued.
	 * @return the ids
	 */
	public List<String> getTaskIds() {
		return this.taskIds;
	}

}
