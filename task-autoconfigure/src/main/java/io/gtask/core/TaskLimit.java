package io.gtask.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * Limits on how many tasks of one name run at once and how often they start.
 * <p>
 * A task over a limit waits in the broker, holding no worker slot, until it is within the
 * limits again; it is never failed for it.
 *
 * @param concurrency the most tasks of the name running at once across all instances, or 0 for
 * no such limit
 * @param localConcurrency the most tasks of the name running at once in one instance, or 0 for no
 * such limit
 * @param rate the most tasks of the name started per {@code ratePeriod} across all instances, or
 * 0 for no such limit
 * @param ratePeriod the period of the rate limit, with {@code rate}
 */
public record TaskLimit(int concurrency, int localConcurrency, int rate, @Nullable Duration ratePeriod) {

	public TaskLimit {
		Assert.isTrue(concurrency >= 0 && localConcurrency >= 0 && rate >= 0, "Limits must not be negative");
		Assert.isTrue(rate == 0 || (ratePeriod != null && ratePeriod.toMillis() > 0),
				"A rate limit needs a positive period");
	}

	/**
	 * Whether the limit is held in the broker, shared by all instances.
	 * @return whether a global concurrency or rate limit is set
	 */
	public boolean isGlobal() {
		return this.concurrency > 0 || this.rate > 0;
	}

	/**
	 * Whether any limit is set.
	 * @return {@code false} when every limit is 0
	 */
	public boolean isLimited() {
		return isGlobal() || this.localConcurrency > 0;
	}

}
