package io.gtask.autoconfigure;

import java.time.Duration;

/**
 * Limits of one task name ({@code gtask.limits.<name>.*}).
 */
public class LimitProperties {

	/**
	 * Most tasks of the name running at once across all instances; 0 for no limit.
	 */
	private int concurrency;

	/**
	 * Most tasks of the name running at once in one instance; 0 for no limit.
	 */
	private int localConcurrency;

	/**
	 * Most tasks of the name started per rate period across all instances; 0 for no limit.
	 */
	private int rate;

	/**
	 * Period of the rate limit.
	 */
	private Duration ratePeriod = Duration.ofSeconds(1);

	public int getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(int concurrency) {
		this.concurrency = concurrency;
	}

	public int getLocalConcurrency() {
		return this.localConcurrency;
	}

	public void setLocalConcurrency(int localConcurrency) {
		this.localConcurrency = localConcurrency;
	}

	public int getRate() {
		return this.rate;
	}

	public void setRate(int rate) {
		this.rate = rate;
	}

	public Duration getRatePeriod() {
		return this.ratePeriod;
	}

	public void setRatePeriod(Duration ratePeriod) {
		this.ratePeriod = ratePeriod;
	}

}
