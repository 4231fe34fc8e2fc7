package io.gtask.autoconfigure;

import java.time.Duration;

import io.gtask.durable.LostTaskPolicy;

/**
 * Durable mode settings ({@code gtask.durable.*}).
 */
public class DurableProperties {

	/**
	 * Whether the result backend is the system of record: each task is recorded with its
	 * message before it is queued, and a reaper sends again the tasks Redis lost. Needs
	 * gtask.backend.type=jdbc or mongo.
	 */
	private boolean enabled;

	private final Reaper reaper = new Reaper();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Reaper getReaper() {
		return this.reaper;
	}

	/**
	 * Reaper settings.
	 */
	public static class Reaper {

		/**
		 * Interval at which one instance looks for lost tasks.
		 */
		private Duration period = Duration.ofSeconds(30);

		/**
		 * Time an unfinished task may go without a change of state before the reaper examines
		 * it; longer than the time a task waits in its queue and runs, as the broker is asked
		 * whether it still holds it anyway.
		 */
		private Duration timeout = Duration.ofMinutes(5);

		/**
		 * Most tasks read from the backend at once.
		 */
		private int batchSize = 500;

		/**
		 * What to do with a lost task: send it again ('retry') or mark it FAILURE ('fail').
		 */
		private LostTaskPolicy policy = LostTaskPolicy.RETRY;

		public Duration getPeriod() {
			return this.period;
		}

		public void setPeriod(Duration period) {
			this.period = period;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public LostTaskPolicy getPolicy() {
			return this.policy;
		}

		public void setPolicy(LostTaskPolicy policy) {
			this.policy = policy;
		}

	}

}
