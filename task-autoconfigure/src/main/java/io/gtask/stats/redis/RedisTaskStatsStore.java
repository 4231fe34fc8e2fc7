package io.gtask.stats.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.gtask.stats.TaskStatistic;
import io.gtask.stats.TaskStatsBucket;
import io.gtask.stats.TaskStatsStore;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * A {@link TaskStatsStore} in Redis: a hash per hour ({@code <prefix>:stats:<epoch hour>}) with
 * a field {@code <minute of hour>:<statistic>} per minute and statistic, expiring after the
 * retention time, and a hash of totals ({@code <prefix>:stats:total}). Counts are added with
 * {@code HINCRBY}, so instances add to the same minutes without coordination; commands are
 * issued one by one, so the keys may live in different Redis Cluster slots.
 */
public class RedisTaskStatsStore implements TaskStatsStore {

	private static final long MINUTE = 60_000;

	private static final long HOUR = 60 * MINUTE;

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final Duration retention;

	/**
	 * Create a store.
	 * @param redis the connection
	 * @param keys the keyspace
	 * @param retention how long counts per minute are kept
	 */
	public RedisTaskStatsStore(RedisAsync redis, RedisKeyspace keys, Duration retention) {
		Assert.isTrue(retention.compareTo(Duration.ofMinutes(1)) >= 0, "Task statistics must be kept a minute at least");
		this.redis = redis;
		this.keys = keys;
		this.retention = retention;
	}

	@Override
	public void add(Instant at, Map<TaskStatistic, Long> counts) {
		long millis = at.toEpochMilli();
		byte[] hour = bytes(this.keys.statsHour(millis / HOUR));
		byte[] total = bytes(this.keys.statsTotal());
		String minute = (millis % HOUR) / MINUTE + ":";
		long expireAt = (millis / HOUR + 1) * HOUR + this.retention.toMillis();
		this.redis.execute((commands) -> {
			List<CompletionStage<?>> replies = new ArrayList<>();
			counts.forEach((statistic, count) -> {
				if (count != 0) {
					replies.add(commands.hincrby(hour, bytes(minute + statistic.field()), count));
					replies.add(commands.hincrby(total, bytes(statistic.field()), count));
				}
			});
			replies.add(commands.pexpireat(hour, expireAt));
			return RedisAsync.all(replies);
		});
	}

	@Override
	public List<TaskStatsBucket> history(Instant now, Duration range, Duration step) {
		long stepMillis = step.toMillis();
		Assert.isTrue(stepMillis >= MINUTE && stepMillis % MINUTE == 0, "The step must be a whole number of minutes");
		Assert.isTrue(range.toMillis() >= stepMillis, "The range must hold one step at least");
		int buckets = (int) ((range.toMillis() + stepMillis - 1) / stepMillis);
		long end = (now.toEpochMilli() / MINUTE + 1) * MINUTE;
		long start = end - buckets * stepMillis;
		List<Map<TaskStatistic, Long>> counts = new ArrayList<>(buckets);
		for (int i = 0; i < buckets; i++) {
			counts.add(new EnumMap<>(TaskStatistic.class));
		}
		long firstHour = start / HOUR;
		long lastHour = (end - 1) / HOUR;
		List<Map<byte[], byte[]>> hours = this.redis.execute((commands) -> {
			List<CompletableFuture<Map<byte[], byte[]>>> replies = new ArrayList<>();
			for (long hour = firstHour; hour <= lastHour; hour++) {
				replies.add(commands.hgetall(bytes(this.keys.statsHour(hour))).toCompletableFuture());
			}
			return RedisAsync.all(replies).thenApply((ignored) -> replies.stream().map(CompletableFuture::join).toList());
		});
		for (int h = 0; h < hours.size(); h++) {
			long hourStart = (firstHour + h) * HOUR;
			hours.get(h).forEach((field, value) -> {
				String name = string(field);
				int colon = name.indexOf(':');
				TaskStatistic statistic = statistic(name.substring(colon + 1));
				if (colon <= 0 || statistic == null) {
					return;
				}
				long minuteStart = hourStart + Long.parseLong(name.substring(0, colon)) * MINUTE;
				if (minuteStart >= start && minuteStart < end) {
					int index = (int) ((minuteStart - start) / stepMillis);
					counts.get(index).merge(statistic, Long.parseLong(string(value)), Long::sum);
				}
			});
		}
		List<TaskStatsBucket> result = new ArrayList<>(buckets);
		for (int i = 0; i < buckets; i++) {
			result.add(TaskStatsBucket.of(Instant.ofEpochMilli(start + i * stepMillis), counts.get(i)));
		}
		return result;
	}

	@Override
	public TaskStatsBucket totals(Instant now) {
		Map<byte[], byte[]> hash = this.redis.execute((commands) -> commands.hgetall(bytes(this.keys.statsTotal())));
		Map<TaskStatistic, Long> counts = new EnumMap<>(TaskStatistic.class);
		hash.forEach((field, value) -> {
			TaskStatistic statistic = statistic(string(field));
			if (statistic != null) {
				counts.put(statistic, Long.parseLong(string(value)));
			}
		});
		return TaskStatsBucket.of(now, counts);
	}

	private static @Nullable TaskStatistic statistic(String field) {
		for (TaskStatistic statistic : TaskStatistic.values()) {
			if (statistic.field().equals(field)) {
				return statistic;
			}
		}
		return null;
	}

}
