package io.gtask.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Browse tasks by state: those running now, those waiting to be tried again, and those that
 * ended recently, with filters by name, queue, id prefix and argument. Every read is bounded:
 * running tasks come from the queue's in-flight deliveries, retrying ones from its delayed
 * tasks, recent ones from capped indexes written as tasks end; nothing scans the keyspace.
 */
public interface TaskBrowser {

	/**
	 * The tasks of a queue that workers hold now, with the worker and when each started.
	 * @param queue the queue
	 * @param filter what to keep
	 * @param limit the most returned, 1 to 1,000
	 * @return the tasks, the longest held first
	 */
	List<RunningTask> running(String queue, TaskFilter filter, int limit);

	/**
	 * The tasks of a queue that failed an attempt and wait for the next one.
	 * @param queue the queue
	 * @param filter what to keep
	 * @param limit the most returned, 1 to 1,000
	 * @return the tasks, the soonest due first
	 */
	List<ScheduledTask> retrying(String queue, TaskFilter filter, int limit);

	/**
	 * The tasks that ended recently, newest first, a page at a time. Those that succeeded are
	 * listed apart from the others (failed, revoked, expired); how many are kept is bounded
	 * ({@code gtask.browse.*}).
	 * @param succeeded {@code true} for those that succeeded, {@code false} for the others
	 * @param filter what to keep
	 * @param cursor {@code null} for the newest page, then the {@link RecentTasks#cursor()} of
	 * the page before
	 * @param limit the most returned, 1 to 1,000
	 * @return the page
	 */
	RecentTasks recent(boolean succeeded, TaskFilter filter, @Nullable String cursor, int limit);

}
