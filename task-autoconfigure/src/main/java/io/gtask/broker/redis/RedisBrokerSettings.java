package io.gtask.broker.redis;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import io.gtask.core.TaskLimit;
import org.springframework.util.Assert;

/**
 * How the Redis broker keeps queues: fixed when it is created.
 *
 * @param deadLetterMaxSize the most dead letters kept per queue; the oldest go first
 * @param deadLetterMaxAge how long a dead letter is kept, and a revoked task id remembered
 * @param leaseTime how long a concurrency permit of a fetched task is held without being
 * renewed; a worker that dies holds its permits this long. Use the visibility timeout
 * @param tracking whether the broker keeps track of the ids of the tasks it holds (durable mode),
 * so that {@link io.gtask.broker.TaskBroker#findHeld} can tell tasks that were lost; settlements
 * must then name their task
 * @param taskLimits the limits by task name, asked each time they are applied, so that the
 * handlers of an application still starting count once registered; names without any limit are
 * ignored. Asked often: answer with the same map while the limits stay the same
 * @param groupLimit the concurrency and rate limit of each task group of a queue, across all
 * instances; 0 for none
 */
public record RedisBrokerSettings(int deadLetterMaxSize, Duration deadLetterMaxAge, Duration leaseTime,
		boolean tracking, Supplier<Map<String, TaskLimit>> taskLimits, TaskLimit groupLimit) {

	private static final TaskLimit NO_LIMIT = new TaskLimit(0, 0, 0, null);

	private static final RedisBrokerSettings DEFAULTS = new RedisBrokerSettings(10_000, Duration.ofDays(7),
			Duration.ofSeconds(60), false, Map::of, NO_LIMIT);

	/**
	 * Create settings without limits of task groups.
	 * @param deadLetterMaxSize the most dead letters kept per queue
	 * @param deadLetterMaxAge the longest time a dead letter is kept
	 * @param leaseTime how long claims and permits last without renewal
	 * @param tracking whether queued task ids are tracked (durable mode)
	 * @param taskLimits the limits of task names
	 */
	public RedisBrokerSettings(int deadLetterMaxSize, Duration deadLetterMaxAge, Duration leaseTime, boolean tracking,
			Supplier<Map<String, TaskLimit>> taskLimits) {
		this(deadLetterMaxSize, deadLetterMaxAge, leaseTime, tracking, taskLimits, NO_LIMIT);
	}

	public RedisBrokerSettings {
		Assert.isTrue(deadLetterMaxSize >= 0,
				() -> "The most dead letters kept must not be negative, but is " + deadLetterMaxSize);
		Assert.notNull(deadLetterMaxAge, "The longest time a dead letter is kept must not be null");
		Assert.isTrue(!deadLetterMaxAge.isNegative(),
				() -> "The longest time a dead letter is kept must not be negative, but is " + deadLetterMaxAge);
		Assert.notNull(leaseTime, "The lease time must not be null");
		Assert.isTrue(!leaseTime.isNegative() && !leaseTime.isZero(),
				() -> "The lease time must be positive, but is " + leaseTime);
		Assert.notNull(taskLimits, "The task limits must not be null");
		Assert.notNull(groupLimit, "The limit of task groups must not be null");
		Assert.isTrue(groupLimit.localConcurrency() == 0, "Task groups have no per-instance limit");
	}

	/**
	 * Settings that keep at most 10,000 dead letters per queue for at most 7 days, hold
	 * permits for 60 seconds, track no task ids and apply no limits.
	 * @return the settings
	 */
	public static RedisBrokerSettings defaults() {
		return DEFAULTS;
	}

	/**
	 * These settings with other limits on dead letters.
	 * @param maxSize the most dead letters kept per queue
	 * @param maxAge how long a dead letter is kept
	 * @return the settings
	 */
	public RedisBrokerSettings withDeadLetters(int maxSize, Duration maxAge) {
		return new RedisBrokerSettings(maxSize, maxAge, this.leaseTime, this.tracking, this.taskLimits, this.groupLimit);
	}

	/**
	 * These settings with another lease time.
	 * @param leaseTime the lease time
	 * @return the settings
	 */
	public RedisBrokerSettings withLeaseTime(Duration leaseTime) {
		return new RedisBrokerSettings(this.deadLetterMaxSize, this.deadLetterMaxAge, leaseTime, this.tracking,
				this.taskLimits, this.groupLimit);
	}

	/**
	 * These settings with task ids tracked or not.
	 * @param tracking whether to track task ids
	 * @return the settings
	 */
	public RedisBrokerSettings withTracking(boolean tracking) {
		return new RedisBrokerSettings(this.deadLetterMaxSize, this.deadLetterMaxAge, this.leaseTime, tracking,
				this.taskLimits, this.groupLimit);
	}

	/**
	 * These settings with limits that are looked up each time they are applied.
	 * @param taskLimits the limits by task name
	 * @return the settings
	 */
	public RedisBrokerSettings withTaskLimits(Supplier<Map<String, TaskLimit>> taskLimits) {
		return new RedisBrokerSettings(this.deadLetterMaxSize, this.deadLetterMaxAge, this.leaseTime, this.tracking,
				taskLimits, this.groupLimit);
	}

	/**
	 * These settings with fixed limits.
	 * @param taskLimits the limits by task name
	 * @return the settings
	 */
	public RedisBrokerSettings withTaskLimits(Map<String, TaskLimit> taskLimits) {
		Map<String, TaskLimit> limits = Map.copyOf(taskLimits);
		return withTaskLimits(() -> limits);
	}

	/**
	 * The same settings with a limit of each task group.
	 * @param groupLimit the concurrency and rate of each group of a queue, across all instances
	 * @return the settings
	 */
	public RedisBrokerSettings withGroupLimit(TaskLimit groupLimit) {
		return new RedisBrokerSettings(this.deadLetterMaxSize, this.deadLetterMaxAge, this.leaseTime, this.tracking,
				this.taskLimits, groupLimit);
	}

}
