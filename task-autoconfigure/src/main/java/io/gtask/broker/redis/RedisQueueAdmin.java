package io.gtask.broker.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.gtask.broker.DelayedEntry;
import io.gtask.broker.HeldDelivery;
import io.gtask.broker.Delivery;
import io.gtask.broker.QueueAdmin;
import io.gtask.core.KeyTypeProblem;
import io.gtask.core.QueueInfo;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;

import static io.gtask.broker.redis.Lanes.number;
import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * A {@link QueueAdmin} for the queues of {@link RedisTaskBroker}: a queue is paused while its
 * pause flag exists, a revoked task id waits in a sorted set until a consumer meets it, and the
 * counts of a queue are taken in one script.
 */
public class RedisQueueAdmin implements QueueAdmin {

	private final RedisBrokerContext context;

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	/**
	 * Create an admin.
	 * @param context what it shares with the broker of the same queues
	 */
	public RedisQueueAdmin(RedisBrokerContext context) {
		this.context = context;
		this.redis = context.redis();
		this.keys = context.keys();
	}

	@Override
	public void setPaused(String queue, boolean paused) {
		byte[] key = bytes(this.keys.paused(queue));
		if (paused) {
			this.redis.execute((commands) -> commands.set(key, bytes("1")));
		}
		else {
			this.redis.execute((commands) -> commands.del(key));
		}
	}

	@Override
	public boolean isPaused(String queue) {
		Long exists = this.redis.execute((commands) -> commands.exists(bytes(this.keys.paused(queue))));
		return exists != null && exists > 0;
	}

	@Override
	public void revoke(String queue, String taskId, Instant at) {
		// a revoked id is remembered as long as a dead letter, for a task that waits long
		Instant forgotten = at.minus(this.context.getSettings().deadLetterMaxAge());
		this.redis.execute((commands) -> RedisAsync.<Long>script(commands, BrokerScripts.REVOKE,
				ScriptOutputType.INTEGER, new byte[][] { bytes(this.keys.revoked(queue)) }, bytes(taskId),
				number(at.toEpochMilli()), number(forgotten.toEpochMilli())));
	}

	@Override
	public QueueInfo inspect(String queue, Instant now) {
		byte[][] scriptKeys = new byte[RedisKeyspace.LANES + 5][];
		System.arraycopy(Lanes.keys(this.keys, queue), 0, scriptKeys, 0, RedisKeyspace.LANES);
		scriptKeys[11] = bytes(this.keys.delayed(queue));
		scriptKeys[12] = bytes(this.keys.dead(queue));
		scriptKeys[13] = bytes(this.keys.paused(queue));
		scriptKeys[14] = bytes(this.keys.consumers(queue));
		scriptKeys[15] = bytes(this.keys.limited(queue));
		List<Object> result;
		try {
			result = this.redis.execute((commands) -> RedisAsync.<List<Object>>script(commands, BrokerScripts.INSPECT,
					ScriptOutputType.MULTI, scriptKeys, BrokerScripts.GROUP, number(now.toEpochMilli()),
					bytes(this.keys.queuePrefix(queue))));
		}
		catch (RuntimeException ex) {
			throw this.context.keyTypes().translate(queue, this.context.limits().keySet(), ex);
		}
		List<QueueInfo.ConsumerInfo> consumers = new ArrayList<>();
		List<?> flat = (List<?>) result.get(6);
		for (int i = 0; i + 2 < flat.size(); i += 3) {
			consumers.add(new QueueInfo.ConsumerInfo(string((byte[]) flat.get(i)), ((Number) flat.get(i + 1)).longValue(),
					(long) Double.parseDouble(string((byte[]) flat.get(i + 2)))));
		}
		return new QueueInfo(queue, longAt(result, 0), longAt(result, 2), longAt(result, 1), longAt(result, 5),
				longAt(result, 3), longAt(result, 4) > 0, consumers, longAt(result, 8), longAt(result, 7));
	}

	private static long longAt(List<Object> values, int index) {
		return ((Number) values.get(index)).longValue();
	}

	@Override
	public @Nullable Delivery peek(String queue, boolean first) {
		List<Object> result = this.redis.execute((commands) -> RedisAsync.<List<Object>>script(commands,
				BrokerScripts.PEEK, ScriptOutputType.MULTI, Lanes.keys(this.keys, queue), BrokerScripts.GROUP,
				bytes(first ? "1" : "0")));
		if (result == null || result.isEmpty()) {
			return null;
		}
		return new Delivery(queue, ((Number) result.get(0)).intValue(), string((byte[]) result.get(1)),
				(byte[]) result.get(2), 0, null);
	}

	@Override
	public List<HeldDelivery> held(String queue, int limit) {
		if (limit <= 0) {
			return List.of();
		}
		List<Object> result;
		try {
			result = this.redis.execute((commands) -> RedisAsync.<List<Object>>script(commands, BrokerScripts.HELD,
					ScriptOutputType.MULTI, Lanes.keys(this.keys, queue), BrokerScripts.GROUP,
					number(limit)));
		}
		catch (RuntimeException ex) {
			throw this.context.keyTypes().translate(queue, this.context.limits().keySet(), ex);
		}
		List<HeldDelivery> held = new ArrayList<>();
		for (int i = 0; result != null && i + 5 < result.size(); i += 6) {
			held.add(new HeldDelivery(queue, ((Number) result.get(i)).intValue(), string((byte[]) result.get(i + 1)),
					string((byte[]) result.get(i + 2)), ((Number) result.get(i + 3)).longValue(),
					((Number) result.get(i + 4)).longValue(), (byte[]) result.get(i + 5)));
		}
		return held;
	}

	@Override
	public List<DelayedEntry> delayed(String queue, int offset, int limit) {
		if (limit <= 0) {
			return List.of();
		}
		List<ScoredValue<byte[]>> members = this.redis.execute((commands) -> commands
			.zrangeWithScores(bytes(this.keys.delayed(queue)), offset, (long) offset + limit - 1));
		if (members == null) {
			return List.of();
		}
		List<DelayedEntry> entries = new ArrayList<>(members.size());
		for (ScoredValue<byte[]> member : members) {
			byte[] value = member.getValue();
			entries.add(new DelayedEntry(queue, Lanes.laneTag(value), Lanes.untagged(value),
					Instant.ofEpochMilli((long) member.getScore())));
		}
		return entries;
	}

	@Override
	public List<KeyTypeProblem> keyProblems(String queue) {
		return this.context.keyTypes().check(queue, this.context.limits().keySet());
	}

}
