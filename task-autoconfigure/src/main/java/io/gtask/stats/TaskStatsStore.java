package io.gtask.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Keeps task counts per minute for all instances that share it, for a limited time, and
 * all-time totals.
 */
public interface TaskStatsStore {

	/**
	 * Add counts to the minute of an instant and to the totals.
	 * @param at the instant whose minute the counts belong to
	 * @param counts the counts to add; zero counts may be left out
	 */
	void add(Instant at, Map<TaskStatistic, Long> counts);

	/**
	 * Counts over a span of time ending now, in buckets of equal length.
	 * @param now the current time; its minute is the last one counted
	 * @param range how far back to count
	 * @param step the length of each bucket, a whole number of minutes
	 * @return the buckets, oldest first; minutes no longer kept count zero
	 */
	List<TaskStatsBucket> history(Instant now, Duration range, Duration step);

	/**
	 * The counts since the store was first written.
	 * @param now the current time, the start of the bucket returned
	 * @return the totals
	 */
	TaskStatsBucket totals(Instant now);

}
