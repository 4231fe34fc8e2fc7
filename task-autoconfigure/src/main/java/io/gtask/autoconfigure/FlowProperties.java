package io.gtask.autoconfigure;

import java.time.Duration;

/**
 * Flows of tasks: chains, groups and chords ({@code gtask.flow.*}).
 */
public class FlowProperties {

	/**
	 * How long the state of a flow is kept while it runs; a flow must end within it. Once it
	 * ended, its state is kept for gtask.result.ttl, as results are.
	 */
	private Duration timeToLive = Duration.ofDays(7);

	public Duration getTimeToLive() {
		return this.timeToLive;
	}

	public void setTimeToLive(Duration timeToLive) {
		this.timeToLive = timeToLive;
	}

}
