package io.gtask.periodic;

/**
 * What a {@link PeriodicTaskScheduler} does with the ticks of a schedule that no instance fired
 * in time, because every instance was stopped or could not reach Redis for longer than the
 * grace period.
 */
public enum MissedTickPolicy {

	/**
	 * Send nothing for the missed ticks and carry on with the next tick on time.
	 */
	SKIP,

	/**
	 * Send one task, for the latest missed tick, however many ticks were missed; then carry on
	 * with the next tick on time.
	 */
	RUN_ONCE

}
