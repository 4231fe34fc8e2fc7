package io.gtask.broker.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.gtask.broker.DeadLetterStore;
import io.gtask.core.DeadLetter;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;

import static io.gtask.broker.redis.Lanes.number;
import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * A {@link DeadLetterStore} on Redis, reading what {@link RedisTaskBroker} keeps: per queue, a
 * sorted set of dead letter ids scored by the time they died, and a hash per dead letter.
 * Sending one again removes it and queues its message in one script.
 */
public class RedisDeadLetterStore implements DeadLetterStore {

	private final RedisBrokerContext context;

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	/**
	 * Create a store.
	 * @param context what it shares with the broker of the same queues
	 */
	public RedisDeadLetterStore(RedisBrokerContext context) {
		this.context = context;
		this.redis = context.redis();
		this.keys = context.keys();
	}

	@Override
	public long deadLetterCount(String queue) {
		Long count = this.redis.execute((commands) -> commands.zcard(bytes(this.keys.dead(queue))));
		return (count != null) ? count : 0;
	}

	@Override
	public List<DeadLetter> deadLetters(String queue, int offset, int limit) {
		if (limit <= 0) {
			return List.of();
		}
		List<byte[]> ids = this.redis.execute((commands) -> commands.zrevrange(bytes(this.keys.dead(queue)), offset,
				offset + limit - 1));
		if (ids == null || ids.isEmpty()) {
			return List.of();
		}
		List<Map<byte[], byte[]>> hashes = this.redis.execute((commands) -> {
			List<CompletableFuture<Map<byte[], byte[]>>> futures = new ArrayList<>(ids.size());
			for (byte[] id : ids) {
				futures.add(commands.hgetall(bytes(this.keys.deadLetter(queue, string(id)))).toCompletableFuture());
			}
			return RedisAsync.all(futures).thenApply((ignored) -> futures.stream().map(CompletableFuture::join).toList());
		});
		List<DeadLetter> letters = new ArrayList<>(ids.size());
		for (int i = 0; i < ids.size(); i++) {
			DeadLetter letter = DeadLetterHash.read(queue, string(ids.get(i)), hashes.get(i));
			if (letter != null) {
				letters.add(letter);
			}
		}
		return letters;
	}

	@Override
	public @Nullable DeadLetter deadLetter(String queue, String id) {
		Map<byte[], byte[]> hash = this.redis
			.execute((commands) -> commands.hgetall(bytes(this.keys.deadLetter(queue, id))));
		return DeadLetterHash.read(queue, id, hash);
	}

	@Override
	public boolean removeDeadLetter(String queue, String id, byte @Nullable [] payload) {
		return remove(queue, id, payload, 0);
	}

	@Override
	public boolean requeueDeadLetter(String queue, String id, byte[] payload, int priority) {
		return remove(queue, id, payload, priority);
	}

	@Override
	public boolean reserveDeadLetter(String queue, String id, Duration hold) {
		long now = System.currentTimeMillis();
		Long reserved = this.redis.execute((commands) -> RedisAsync.<Long>script(commands,
				BrokerScripts.RESERVE_DEAD_LETTER, ScriptOutputType.INTEGER,
				new byte[][] { bytes(this.keys.deadLetter(queue, id)) }, number(now), number(now + hold.toMillis())));
		return reserved != null && reserved == 1L;
	}

	private boolean remove(String queue, String id, byte @Nullable [] payload, int priority) {
		boolean tracking = this.context.getSettings().tracking();
		Long removed = this.redis.execute((commands) -> RedisAsync.<Long>script(commands,
				BrokerScripts.REMOVE_DEAD_LETTER, ScriptOutputType.INTEGER,
				new byte[][] { bytes(this.keys.dead(queue)), bytes(this.keys.deadLetter(queue, id)),
						bytes(this.keys.lane(queue, priority)), bytes(this.keys.tracked(queue)) },
				bytes(id), bytes((payload != null) ? "1" : "0"), (payload != null) ? payload : new byte[0],
				bytes(tracking ? "1" : "0")));
		return removed != null && removed == 1L;
	}

}
