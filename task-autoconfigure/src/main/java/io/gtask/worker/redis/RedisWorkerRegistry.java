package io.gtask.worker.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.gtask.worker.WorkerInfo;
import io.gtask.worker.WorkerRegistry;
import io.lettuce.core.Range;
import org.jspecify.annotations.Nullable;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * A {@link WorkerRegistry} in Redis: a hash per worker ({@code <prefix>:worker:<name>}) that
 * expires a while after its alive-until time, and a sorted set of names
 * ({@code <prefix>:workers}) scored by alive-until, trimmed of expired names when written and
 * read. Commands are issued one by one, never in a script, so the keys may live in different
 * Redis Cluster slots.
 */
public class RedisWorkerRegistry implements WorkerRegistry {

	/**
	 * How long a worker's hash outlives its alive-until time, so that it is never read as
	 * missing while its name is still listed.
	 */
	private static final Duration GRACE = Duration.ofSeconds(10);

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	/**
	 * Create a registry.
	 * @param redis the connection
	 * @param keys the keyspace
	 */
	public RedisWorkerRegistry(RedisAsync redis, RedisKeyspace keys) {
		this.redis = redis;
		this.keys = keys;
	}

	@Override
	public void register(WorkerInfo worker) {
		byte[] hash = bytes(this.keys.worker(worker.name()));
		byte[] names = bytes(this.keys.workers());
		Map<byte[], byte[]> fields = new LinkedHashMap<>();
		fields.put(bytes("host"), bytes(worker.host()));
		fields.put(bytes("pid"), bytes(Long.toString(worker.pid())));
		fields.put(bytes("concurrency"), bytes(Integer.toString(worker.concurrency())));
		fields.put(bytes("queues"), bytes(String.join(",", worker.queues())));
		fields.put(bytes("startedAt"), bytes(Long.toString(worker.startedAt().toEpochMilli())));
		fields.put(bytes("lastHeartbeat"), bytes(Long.toString(worker.lastHeartbeat().toEpochMilli())));
		fields.put(bytes("aliveUntil"), bytes(Long.toString(worker.aliveUntil().toEpochMilli())));
		long expireAt = worker.aliveUntil().plus(GRACE).toEpochMilli();
		long now = worker.lastHeartbeat().toEpochMilli();
		this.redis.execute((commands) -> RedisAsync.all(List.of(commands.hset(hash, fields),
				commands.pexpireat(hash, expireAt),
				commands.zadd(names, (double) worker.aliveUntil().toEpochMilli(), bytes(worker.name())),
				commands.zremrangebyscore(names, Range.create(Double.NEGATIVE_INFINITY, (double) now)))));
	}

	@Override
	public void unregister(String name) {
		this.redis.execute((commands) -> RedisAsync.all(List.of(commands.del(bytes(this.keys.worker(name))),
				commands.zrem(bytes(this.keys.workers()), bytes(name)))));
	}

	@Override
	public List<WorkerInfo> workers(Instant now) {
		byte[] names = bytes(this.keys.workers());
		double millis = now.toEpochMilli();
		List<byte[]> alive = this.redis.execute((commands) -> {
			commands.zremrangebyscore(names, Range.create(Double.NEGATIVE_INFINITY, millis));
			return commands.zrangebyscore(names, Range.create(millis, Double.POSITIVE_INFINITY));
		});
		if (alive.isEmpty()) {
			return List.of();
		}
		List<Map<byte[], byte[]>> hashes = this.redis.execute((commands) -> {
			List<CompletableFuture<Map<byte[], byte[]>>> reads = new ArrayList<>();
			for (byte[] name : alive) {
				reads.add(commands.hgetall(bytes(this.keys.worker(string(name)))).toCompletableFuture());
			}
			CompletionStage<Void> all = RedisAsync.all(reads);
			return all.thenApply((done) -> reads.stream().map(CompletableFuture::join).toList());
		});
		List<WorkerInfo> workers = new ArrayList<>();
		for (int i = 0; i < alive.size(); i++) {
			WorkerInfo worker = toWorker(string(alive.get(i)), hashes.get(i));
			if (worker != null) {
				workers.add(worker);
			}
		}
		return workers;
	}

	private static @Nullable WorkerInfo toWorker(String name, Map<byte[], byte[]> hash) {
		Map<String, String> fields = new LinkedHashMap<>();
		hash.forEach((field, value) -> fields.put(string(field), string(value)));
		if (!fields.containsKey("aliveUntil")) {
			// expired between the two reads
			return null;
		}
		String queues = fields.getOrDefault("queues", "");
		return new WorkerInfo(name, fields.getOrDefault("host", "unknown"), Long.parseLong(fields.getOrDefault("pid", "0")),
				Integer.parseInt(fields.getOrDefault("concurrency", "0")),
				queues.isEmpty() ? List.of() : Arrays.asList(queues.split(",")), instant(fields.get("startedAt")),
				instant(fields.get("lastHeartbeat")), instant(fields.get("aliveUntil")));
	}

	private static Instant instant(@Nullable String millis) {
		return (millis != null) ? Instant.ofEpochMilli(Long.parseLong(millis)) : Instant.EPOCH;
	}

}
