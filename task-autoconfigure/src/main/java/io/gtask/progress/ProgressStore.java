package io.gtask.progress;

import java.util.Optional;
import java.util.function.Consumer;

import io.gtask.core.TaskProgress;

/**
 * Keeps the latest progress of each task and tells followers of each new one.
 */
public interface ProgressStore {

	/**
	 * Keep a task's progress and tell its followers.
	 * @param taskId the task id
	 * @param progress the progress
	 */
	void write(String taskId, TaskProgress progress);

	/**
	 * Read a task's latest progress.
	 * @param taskId the task id
	 * @return the progress, empty if none is kept (or what is kept is not valid)
	 */
	Optional<TaskProgress> read(String taskId);

	/**
	 * Follow a task's progress.
	 * @param taskId the task id
	 * @param listener called with each new progress
	 * @return the subscription, to close
	 */
	AutoCloseable subscribe(String taskId, Consumer<TaskProgress> listener);

}
