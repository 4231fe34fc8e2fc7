package io.gtask.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of gtask's task statistics: counts per minute of tasks sent,
 * succeeded, failed and dead-lettered by all instances, kept in Redis for the dashboard's
 * charts.
 */
@ConfigurationProperties("gtask.stats")
public class GTaskStatsProperties {

	/**
	 * Whether this instance adds its task counts to the statistics in Redis.
	 */
	private boolean enabled = true;

	/**
	 * How often this instance writes its counts to Redis.
	 */
	private Duration flushInterval = Duration.ofSeconds(5);

	/**
	 * How long counts per minute are kept; the longest span the dashboard's charts show.
	 */
	private Duration retention = Duration.ofDays(2);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getFlushInterval() {
		return this.flushInterval;
	}

	public void setFlushInterval(Duration flushInterval) {
		this.flushInterval = flushInterval;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

}
