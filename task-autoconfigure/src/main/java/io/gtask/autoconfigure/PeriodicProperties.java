package io.gtask.autoconfigure;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gtask.periodic.MissedTickPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Periodic task settings ({@code gtask.periodic.*}).
 */
public class PeriodicProperties {

	/**
	 * Whether this instance sends periodic tasks: those of @TaskHandler methods with a
	 * cron and those of the schedules below.
	 */
	private boolean enabled = true;

	/**
	 * What to do with the ticks of a schedule that passed while no instance could send
	 * them: skip them, or send one task for the latest of them.
	 */
	private MissedTickPolicy missedTicks = MissedTickPolicy.SKIP;

	/**
	 * Time after its due time within which a tick still counts as on time; older ticks
	 * count as missed.
	 */
	private Duration grace = Duration.ofSeconds(10);

	/**
	 * Periodic tasks defined in configuration, by schedule id.
	 */
	private Map<String, Schedule> schedules = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public MissedTickPolicy getMissedTicks() {
		return this.missedTicks;
	}

	public void setMissedTicks(MissedTickPolicy missedTicks) {
		this.missedTicks = missedTicks;
	}

	public Duration getGrace() {
		return this.grace;
	}

	public void setGrace(Duration grace) {
		this.grace = grace;
	}

	public Map<String, Schedule> getSchedules() {
		return this.schedules;
	}

	public void setSchedules(Map<String, Schedule> schedules) {
		this.schedules = schedules;
	}

	/**
	 * A periodic task defined in configuration.
	 */
	public static class Schedule {

		/**
		 * Name of the task sent at each tick.
		 */
		private @Nullable String task;

		/**
		 * Cron expression whose ticks send the task: six fields, seconds first, or a macro
		 * such as @hourly.
		 */
		private @Nullable String cron;

		/**
		 * Time zone in which the cron expression is evaluated. Defaults to the system default
		 * zone.
		 */
		private @Nullable ZoneId zone;

		/**
		 * Arguments of each task.
		 */
		private List<Object> args = new ArrayList<>();

		/**
		 * Queue the tasks go to. Defaults to the task's route, the queue of its handler, or
		 * the default queue.
		 */
		private @Nullable String queue;

		/**
		 * What to do with ticks that passed while no instance could send them. Defaults to
		 * gtask.periodic.missed-ticks.
		 */
		private @Nullable MissedTickPolicy missedTicks;

		public @Nullable String getTask() {
			return this.task;
		}

		public void setTask(@Nullable String task) {
			this.task = task;
		}

		public @Nullable String getCron() {
			return this.cron;
		}

		public void setCron(@Nullable String cron) {
			this.cron = cron;
		}

		public @Nullable ZoneId getZone() {
			return this.zone;
		}

		public void setZone(@Nullable ZoneId zone) {
			this.zone = zone;
		}

		public List<Object> getArgs() {
			return this.args;
		}

		public void setArgs(List<Object> args) {
			this.args = args;
		}

		public @Nullable String getQueue() {
			return this.queue;
		}

		public void setQueue(@Nullable String queue) {
			this.queue = queue;
		}

		public @Nullable MissedTickPolicy getMissedTicks() {
			return this.missedTicks;
		}

		public void setMissedTicks(@Nullable MissedTickPolicy missedTicks) {
			this.missedTicks = missedTicks;
		}

	}

}
