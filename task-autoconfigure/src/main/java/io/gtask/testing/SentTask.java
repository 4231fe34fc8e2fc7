package io.gtask.testing;

import java.time.Instant;
import java.util.List;

import io.gtask.core.TaskRequest;
import org.jspecify.annotations.Nullable;

/**
 * A task an application sent through {@link InProcessTasks}, as it was sent.
 *
 * @param id the task id
 * @param name the task name
 * @param args the arguments, the objects the sender passed
 * @param request the request, with every option the sender chose
 * @param sentAt when it was sent
 */
public record SentTask(String id, String name, List<@Nullable Object> args, TaskRequest request, Instant sentAt) {

	/**
	 * Create a sent task.
	 */
	public SentTask {
		args = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(args));
	}

	/**
	 * The queue the sender chose, {@code null} for the handler's.
	 * @return the queue
	 */
	public @Nullable String queue() {
		return this.request.queue();
	}

	/**
	 * The priority the sender chose.
	 * @return the priority
	 */
	public int priority() {
		return this.request.priority();
	}

	/**
	 * When the sender asked the task to run at the earliest, {@code null} for at once.
	 * @return the earliest start
	 */
	public @Nullable Instant eta() {
		return this.request.eta();
	}

}
