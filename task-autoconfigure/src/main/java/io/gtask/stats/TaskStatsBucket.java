package io.gtask.stats;

import java.time.Instant;
import java.util.Map;

/**
 * Task counts of all instances over one span of time.
 *
 * @param start when the span starts
 * @param sent tasks queued
 * @param succeeded attempts that succeeded
 * @param failed attempts that ended in an error
 * @param dead tasks set aside as dead letters
 */
public record TaskStatsBucket(Instant start, long sent, long succeeded, long failed, long dead) {

	/**
	 * Create a bucket from counts by statistic.
	 * @param start when the span starts
	 * @param counts the counts; missing statistics count zero
	 * @return the bucket
	 */
	public static TaskStatsBucket of(Instant start, Map<TaskStatistic, Long> counts) {
		return new TaskStatsBucket(start, counts.getOrDefault(TaskStatistic.SENT, 0L),
				counts.getOrDefault(TaskStatistic.SUCCEEDED, 0L), counts.getOrDefault(TaskStatistic.FAILED, 0L),
				counts.getOrDefault(TaskStatistic.DEAD, 0L));
	}

	/**
	 * Attempts that ended, successfully or not.
	 * @return succeeded plus failed
	 */
	public long processed() {
		return this.succeeded + this.failed;
	}

}
