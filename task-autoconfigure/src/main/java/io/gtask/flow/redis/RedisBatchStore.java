package io.gtask.flow.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gtask.flow.BatchStore;
import io.gtask.flow.FlowStateException;
import io.gtask.redis.LuaScripts;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.script.DefaultRedisScript;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * Keeps each batch in one Redis hash, {@code <prefix>:batch:{<id>}}, so that every change to a
 * batch is one script on one hash slot, also on Redis Cluster. Fields: {@code state},
 * {@code sealed}, {@code total}, {@code succeeded}, {@code failed}, {@code queue},
 * {@code description}, {@code created}, {@code finished}; {@code cb:complete} and
 * {@code cb:success} the callbacks, {@code sent:<kind>} once each was sent; {@code t:<task id>}
 * each member and {@code r:<task id>} how it ended ({@code S} or {@code F}).
 */
public final class RedisBatchStore implements BatchStore {

	static final DefaultRedisScript<List<Object>> ADD = load("batch-add.lua");

	static final DefaultRedisScript<List<Object>> MEMBER = load("batch-member.lua");

	static final DefaultRedisScript<List<Object>> SEAL = load("batch-seal.lua");

	static final DefaultRedisScript<List<Object>> CANCEL = load("batch-cancel.lua");

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	/**
	 * Create a store.
	 * @param redis runs the commands
	 * @param keys the keyspace
	 */
	public RedisBatchStore(RedisAsync redis, RedisKeyspace keys) {
		this.redis = redis;
		this.keys = keys;
	}

	@SuppressWarnings("unchecked")
	private static DefaultRedisScript<List<Object>> load(String name) {
		return LuaScripts.load(RedisBatchStore.class, name, (Class<List<Object>>) (Class<?>) List.class);
	}

	@Override
	public void create(String batchId, String queue, @Nullable String description, boolean sealed,
			@Nullable String onComplete, @Nullable String onSuccess, Instant createdAt, Duration timeToLive) {
		Map<byte[], byte[]> fields = new LinkedHashMap<>();
		fields.put(bytes("state"), bytes("RUNNING"));
		fields.put(bytes("sealed"), bytes(sealed ? "1" : "0"));
		fields.put(bytes("total"), bytes("0"));
		fields.put(bytes("succeeded"), bytes("0"));
		fields.put(bytes("failed"), bytes("0"));
		fields.put(bytes("queue"), bytes(queue));
		fields.put(bytes("created"), bytes(Long.toString(createdAt.toEpochMilli())));
		if (description != null) {
			fields.put(bytes("description"), bytes(description));
		}
		if (onComplete != null) {
			fields.put(bytes("cb:complete"), bytes(onComplete));
		}
		if (onSuccess != null) {
			fields.put(bytes("cb:success"), bytes(onSuccess));
		}
		byte[] key = key(batchId);
		this.redis.execute((commands) -> commands.hset(key, fields)
			.thenCompose((ignored) -> commands.pexpire(key, timeToLive.toMillis())));
	}

	@Override
	public @Nullable Long add(String batchId, List<String> taskIds) {
		byte[][] args = new byte[taskIds.size()][];
		for (int i = 0; i < taskIds.size(); i++) {
			args[i] = bytes(taskIds.get(i));
		}
		List<Object> reply = run(ADD, batchId, args);
		return (reply != null && !reply.isEmpty() && reply.get(0) instanceof Long total) ? total : null;
	}

	@Override
	public @Nullable Standing member(String batchId, String taskId, boolean succeeded, Instant now,
			Duration timeToLive) {
		return standing(run(MEMBER, batchId, bytes(taskId), bytes(succeeded ? "S" : "F"),
				bytes(Long.toString(now.toEpochMilli())), bytes(Long.toString(timeToLive.toMillis()))));
	}

	@Override
	public @Nullable Standing seal(String batchId, Instant now, Duration timeToLive) {
		return standing(run(SEAL, batchId, bytes(Long.toString(now.toEpochMilli())),
				bytes(Long.toString(timeToLive.toMillis()))));
	}

	@Override
	public @Nullable List<String> cancel(String batchId, Instant now, Duration timeToLive) {
		List<Object> reply = run(CANCEL, batchId, bytes(Long.toString(now.toEpochMilli())),
				bytes(Long.toString(timeToLive.toMillis())));
		if (reply == null || reply.isEmpty() || reply.get(0) == null) {
			return null;
		}
		List<String> open = new ArrayList<>(reply.size() - 1);
		for (int i = 1; i < reply.size(); i++) {
			if (reply.get(i) instanceof byte[] id) {
				open.add(string(id));
			}
		}
		return open;
	}

	@Override
	public boolean beginCallback(String batchId, String kind) {
		byte[] key = key(batchId);
		Boolean first = execute(batchId, () -> this.redis.execute((commands) -> commands.hsetnx(key,
				bytes("sent:" + kind), bytes("1"))));
		return Boolean.TRUE.equals(first);
	}

	@Override
	public List<@Nullable String> fields(String batchId, List<String> names) {
		byte[] key = key(batchId);
		byte[][] fields = names.stream().map(RedisAsync::bytes).toArray(byte[][]::new);
		List<io.lettuce.core.KeyValue<byte[], byte[]>> values = execute(batchId,
				() -> this.redis.execute((commands) -> commands.hmget(key, fields)));
		List<@Nullable String> read = new ArrayList<>(values.size());
		for (io.lettuce.core.KeyValue<byte[], byte[]> value : values) {
			read.add(value.hasValue() ? string(value.getValue()) : null);
		}
		return read;
	}

	@Override
	public Map<String, String> read(String batchId) {
		byte[] key = key(batchId);
		Map<byte[], byte[]> fields = execute(batchId, () -> this.redis.execute((commands) -> commands.hgetall(key)));
		if (fields == null || fields.isEmpty()) {
			return Collections.emptyMap();
		}
		Map<String, String> read = new LinkedHashMap<>();
		fields.forEach((field, value) -> read.put(string(field), string(value)));
		return read;
	}

	@Override
	public MemberPage members(String batchId, long cursor, int count) {
		byte[] key = key(batchId);
		io.lettuce.core.MapScanCursor<byte[], byte[]> page = execute(batchId,
				() -> this.redis.execute((commands) -> commands.hscan(key,
						io.lettuce.core.ScanCursor.of(Long.toUnsignedString(cursor)),
						io.lettuce.core.ScanArgs.Builder.matches("t:*").limit(count))));
		List<String> taskIds = new ArrayList<>(page.getMap().size());
		for (byte[] field : page.getMap().keySet()) {
			String name = string(field);
			if (name.startsWith("t:") && name.length() > 2) {
				taskIds.add(name.substring(2));
			}
		}
		return new MemberPage(taskIds, page.isFinished() ? 0 : Long.parseUnsignedLong(page.getCursor()));
	}

	private static @Nullable Standing standing(@Nullable List<Object> reply) {
		if (reply == null || reply.isEmpty() || !(reply.get(0) instanceof byte[] state)) {
			return null;
		}
		if (reply.size() < 6) {
			return new Standing(string(state), 0, 0, 0, Instant.EPOCH, false);
		}
		Instant created;
		try {
			created = Instant.ofEpochMilli(Long.parseLong((reply.get(4) instanceof byte[] text) ? string(text) : "0"));
		}
		catch (NumberFormatException | java.time.DateTimeException ex) {
			created = Instant.EPOCH;
		}
		return new Standing(string(state), number(reply.get(1)), number(reply.get(2)), number(reply.get(3)), created,
				Long.valueOf(1L).equals(reply.get(5)));
	}

	private static long number(@Nullable Object value) {
		return (value instanceof Long number) ? number : 0;
	}

	private @Nullable List<Object> run(DefaultRedisScript<List<Object>> script, String batchId, byte[]... args) {
		return execute(batchId, () -> this.redis.execute((commands) -> RedisAsync.<@Nullable List<Object>>script(
				commands, script, ScriptOutputType.MULTI, new byte[][] { key(batchId) }, args)));
	}

	private <T> T execute(String batchId, java.util.function.Supplier<T> call) {
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			for (Throwable cause = ex; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
				String message = String.valueOf(cause.getMessage());
				if (message.contains("WRONGTYPE")) {
					throw new FlowStateException("The key " + this.keys.batch(batchId) + " of batch " + batchId
							+ " is not a hash", ex);
				}
				int at = message.indexOf("gtask batch state: ");
				if (at >= 0) {
					throw new FlowStateException("Batch " + batchId + " is not valid: "
							+ message.substring(at + "gtask batch state: ".length()), ex);
				}
			}
			throw ex;
		}
	}

	private byte[] key(String batchId) {
		return bytes(this.keys.batch(batchId));
	}

}
