package io.gtask.worker;

import java.time.Duration;
import java.util.List;

/**
 * Execution settings of tasks whose handler and sender chose none.
 *
 * @param timeout the timeout of each attempt
 * @param maxRetries the number of retries after a failed first attempt
 * @param initialInterval the delay before the first retry
 * @param multiplier the factor by which each further delay grows
 * @param maxInterval the longest delay between attempts
 * @param jitter the most by which a delay is randomly lengthened or shortened
 * @param noRetryFor exception types that fail a task without retry
 */
public record TaskDefaults(Duration timeout, int maxRetries, Duration initialInterval, double multiplier,
		Duration maxInterval, Duration jitter, List<Class<? extends Throwable>> noRetryFor) {

	/**
	 * The library's own defaults, the same as those of the {@code gtask.task.*} properties.
	 * @return the defaults
	 */
	public static TaskDefaults standard() {
		return new TaskDefaults(Duration.ofMinutes(5), 3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(10),
				Duration.ofMillis(100), List.of());
	}

}
