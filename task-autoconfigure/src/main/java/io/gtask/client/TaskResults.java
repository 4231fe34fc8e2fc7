package io.gtask.client;

import io.gtask.core.GTaskException;
import io.gtask.core.TaskFailedException;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFinishedException;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the result of a task from what a client knows of it, the same way for every
 * {@link io.gtask.core.TaskClient}: the value of a task that succeeded, an exception for one
 * that failed or has not finished.
 */
public final class TaskResults {

	private TaskResults() {
	}

	/**
	 * The result of a task as the type given.
	 * @param <T> the type
	 * @param info the task
	 * @param mapper the mapper of task messages
	 * @param type the type to read the result as
	 * @return the result, {@code null} when the handler returned none
	 * @throws TaskFailedException if the task failed, was revoked or expired
	 * @throws TaskNotFinishedException if it has not finished
	 * @throws GTaskException if the result cannot be read as the type
	 */
	public static <T> @Nullable T read(TaskInfo info, JsonMapper mapper, JavaType type) {
		if (info.status() == TaskStatus.FAILURE || info.status() == TaskStatus.REVOKED
				|| info.status() == TaskStatus.EXPIRED) {
			throw new TaskFailedException(info);
		}
		if (info.status() != TaskStatus.SUCCESS) {
			throw new TaskNotFinishedException(
					"Task '" + info.name() + "' (" + info.id() + ") has not finished; it is " + info.status());
		}
		if (info.result() == null) {
			return null;
		}
		try {
			return mapper.readValue(info.result(), type);
		}
		catch (JacksonException ex) {
			throw new GTaskException("Result of task '" + info.name() + "' (" + info.id() + ") cannot be read as "
					+ type.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
	}

}
