package io.gtask.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A page of recently ended tasks, newest first.
 *
 * @param tasks the tasks
 * @param cursor where the next (older) page starts, {@code null} after the last
 */
public record RecentTasks(List<RecentTask> tasks, @Nullable String cursor) {

	/**
	 * Create a page.
	 */
	public RecentTasks {
		tasks = List.copyOf(tasks);
	}

}
