package io.gtask.browse;

import java.util.List;

import io.gtask.core.RecentTask;
import io.gtask.core.RecentTasks;
import io.gtask.core.TaskFilter;
import org.jspecify.annotations.Nullable;

/**
 * Where the tasks that ended recently are indexed for the {@link io.gtask.core.TaskBrowser}:
 * written by workers as they record final states, read a page at a time, bounded in size.
 */
public interface TaskIndex {

	/**
	 * Index tasks that ended. An index is an aid: a write that fails loses entries, never a
	 * task.
	 * @param tasks the tasks
	 */
	void record(List<RecentTask> tasks);

	/**
	 * A page of the tasks that ended, newest first.
	 * @param succeeded those that succeeded, or the others
	 * @param filter what to keep
	 * @param cursor where the page starts, {@code null} for the newest
	 * @param limit the most returned
	 * @return the page
	 */
	RecentTasks recent(boolean succeeded, TaskFilter filter, @Nullable String cursor, int limit);

}
