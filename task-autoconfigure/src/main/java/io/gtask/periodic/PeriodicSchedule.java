package io.gtask.periodic;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.gtask.core.TaskMessageRules;
import org.jspecify.annotations.Nullable;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * A task sent at each tick of a cron expression.
 * <p>
 * The id identifies the schedule among all instances of the application: instances that
 * declare a schedule with the same id and queue share its ticks, and each tick is sent by one
 * of them only. The task of a tick has the id {@code <schedule id>@<tick in epoch millis>}.
 *
 * @param id the schedule id, unique within the application
 * @param taskName the name of the task sent at each tick
 * @param cron the cron expression whose ticks send the task
 * @param zone the zone in which the cron expression is evaluated
 * @param args the arguments of each task
 * @param queue the queue the tasks go to
 * @param missedTicks what to do with ticks no instance fired in time
 */
public record PeriodicSchedule(String id, String taskName, CronExpression cron, ZoneId zone,
		List<@Nullable Object> args, String queue, MissedTickPolicy missedTicks) {

	/**
	 * The largest tick in epoch milliseconds a task id is checked with, in the year 2286.
	 */
	private static final long LATEST_TICK = 9_999_999_999_999L;

	/**
	 * Check the schedule.
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public PeriodicSchedule {
		Assert.isTrue(StringUtils.hasText(id) && !StringUtils.containsWhitespace(id),
				() -> "Invalid schedule id '" + id + "': use a non-empty id without white space");
		Assert.isTrue(StringUtils.hasText(taskName), () -> "Schedule '" + id + "' has no task name");
		// its tasks are held to the rules of sending by the workers that read them
		Assert.isTrue(TaskMessageRules.idProblem(id + "@" + LATEST_TICK) == null,
				() -> "Invalid schedule id '" + id + "': the ids of its tasks, '" + id + "@' and a time in epoch "
						+ "milliseconds, must have at most " + TaskMessageRules.MAX_ID_LENGTH
						+ " characters, without control characters");
		TaskMessageRules.validName(taskName);
		TaskMessageRules.validQueue(queue);
		args = Collections.unmodifiableList(new ArrayList<>(args));
	}

	/**
	 * The first tick after an instant.
	 * @param after the instant
	 * @return the tick, or {@code null} if the expression has none
	 */
	public @Nullable Instant nextTick(Instant after) {
		ZonedDateTime next = this.cron.next(after.atZone(this.zone));
		return (next != null) ? next.toInstant() : null;
	}

	/**
	 * The id of the task sent for a tick.
	 * @param tick the tick
	 * @return {@code <schedule id>@<tick in epoch millis>}
	 */
	public String taskId(Instant tick) {
		return this.id + "@" + tick.toEpochMilli();
	}

	/**
	 * Describe the schedule for logs.
	 * @return a description such as {@code 'report' (task 'report', cron '0 0 3 * * *' in UTC,
	 * queue 'default', missed ticks SKIP)}
	 */
	public String describe() {
		return "'" + this.id + "' (task '" + this.taskName + "', cron '" + this.cron + "' in " + this.zone + ", queue '"
				+ this.queue + "', missed ticks " + this.missedTicks + ")";
	}

}
