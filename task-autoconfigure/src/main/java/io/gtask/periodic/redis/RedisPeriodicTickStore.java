package io.gtask.periodic.redis;

import java.time.Duration;
import java.time.Instant;

import io.gtask.broker.OutgoingTask;
import io.gtask.periodic.PeriodicSchedule;
import io.gtask.periodic.PeriodicTickStore;
import io.gtask.redis.LuaScripts;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.data.redis.core.script.DefaultRedisScript;

import static io.gtask.redis.RedisAsync.bytes;

/**
 * A {@link PeriodicTickStore} on Redis: one string per schedule,
 * {@code <prefix>:{<queue>}:periodic:<schedule id>}, holds the last tick fired in epoch
 * milliseconds.
 * <p>
 * One script compares the tick with the stored one, stores it if it is later and, in that
 * case only, adds the task to the queue's ready stream. The marker and the stream share the
 * queue's hash tag, so the script runs in one Redis Cluster slot, and Redis runs scripts one at
 * a time, so among any number of instances firing the same tick exactly one queues its task.
 * <p>
 * The marker is renewed with each tick and expires after {@code max(7 days, 10 intervals
 * between ticks)} without one, so the marker of a schedule that was removed does not stay
 * forever.
 */
public class RedisPeriodicTickStore implements PeriodicTickStore {

	/**
	 * The shortest time a marker is kept after its last tick.
	 */
	public static final Duration MIN_TIME_TO_LIVE = Duration.ofDays(7);

	private static final LogAccessor logger = new LogAccessor(RedisPeriodicTickStore.class);

	private static final int INTERVALS_KEPT = 10;

	private static final byte[] ENQUEUE = bytes("1");

	private static final byte[] RECORD_ONLY = bytes("0");

	private static final byte[] NONE = new byte[0];

	private static final DefaultRedisScript<Long> FIRE = LuaScripts.load(RedisPeriodicTickStore.class, "fire.lua",
			Long.class);

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	/**
	 * Create a store.
	 * @param redis the connection
	 * @param keys the keyspace
	 */
	public RedisPeriodicTickStore(RedisAsync redis, RedisKeyspace keys) {
		this.redis = redis;
		this.keys = keys;
	}

	@Override
	public boolean fire(PeriodicSchedule schedule, Instant tick, @Nullable OutgoingTask task) {
		byte[][] keys = { bytes(this.keys.periodic(schedule.queue(), schedule.id())),
				bytes(this.keys.ready(schedule.queue())) };
		byte[] tickMillis = bytes(Long.toString(tick.toEpochMilli()));
		byte[] ttlMillis = bytes(Long.toString(timeToLive(schedule, tick).toMillis()));
		Long fired = this.redis.execute((commands) -> RedisAsync.<Long>script(commands, FIRE, ScriptOutputType.INTEGER,
				keys, tickMillis, ttlMillis, (task != null) ? ENQUEUE : RECORD_ONLY,
				(task != null) ? task.payload() : NONE, bytes(schedule.taskName()),
				(task != null) ? bytes(task.id()) : NONE));
		return fired != null && fired == 1L;
	}

	@Override
	public @Nullable Instant lastTick(PeriodicSchedule schedule) {
		byte[] value = this.redis
			.execute((commands) -> commands.get(bytes(this.keys.periodic(schedule.queue(), schedule.id()))));
		if (value == null) {
			return null;
		}
		try {
			return Instant.ofEpochMilli(Long.parseLong(RedisAsync.string(value)));
		}
		catch (NumberFormatException ex) {
			logger.warn(() -> "Ignoring the last tick of schedule '" + schedule.id() + "', which is not a number: '"
					+ RedisAsync.string(value) + "'");
			return null;
		}
	}

	/**
	 * How long the marker of a schedule is kept after a tick: long enough that instances
	 * restarted after a long stop still know the last tick, short enough that the marker of a
	 * removed schedule goes away.
	 * @param schedule the schedule
	 * @param tick the tick
	 * @return the time to live
	 */
	static Duration timeToLive(PeriodicSchedule schedule, Instant tick) {
		Instant next = schedule.nextTick(tick);
		Instant after = (next != null) ? schedule.nextTick(next) : null;
		if (next == null || after == null) {
			return MIN_TIME_TO_LIVE;
		}
		Duration interval = Duration.between(tick, next).compareTo(Duration.between(next, after)) > 0
				? Duration.between(tick, next) : Duration.between(next, after);
		Duration kept = interval.multipliedBy(INTERVALS_KEPT);
		return (kept.compareTo(MIN_TIME_TO_LIVE) > 0) ? kept : MIN_TIME_TO_LIVE;
	}

}
