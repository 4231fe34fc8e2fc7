package io.gtask.broker.redis;

import java.util.List;

import io.gtask.redis.LuaScripts;
import io.gtask.redis.RedisKeyspace;
import org.springframework.data.redis.core.script.DefaultRedisScript;

import static io.gtask.redis.RedisAsync.bytes;

/**
 * The Lua scripts of the Redis broker, read once from the {@code .lua} files beside this class,
 * which say what their {@code KEYS} and {@code ARGV} hold. The scripts that settle a delivery do
 * their work only when their {@code XACK} acknowledged it, so that one sent again after a timeout
 * (its first run did reach Redis) changes nothing.
 */
final class BrokerScripts {

	/**
	 * The field of a stream entry that holds the message.
	 */
	static final byte[] MESSAGE_FIELD = bytes("m");

	/**
	 * The consumer group that reads every lane.
	 */
	static final byte[] GROUP = bytes(RedisKeyspace.GROUP);

	@SuppressWarnings("unchecked")
	private static final Class<List<Object>> LIST = (Class<List<Object>>) (Class<?>) List.class;

	static final DefaultRedisScript<List<Object>> FETCH = load("fetch.lua", LIST);

	static final DefaultRedisScript<byte[]> ADMIT = load("admit.lua", byte[].class);

	static final DefaultRedisScript<Long> DEFER = load("defer.lua", Long.class);

	static final DefaultRedisScript<Long> ACK = load("ack.lua", Long.class);

	static final DefaultRedisScript<Long> RETRY_LATER = load("retry-later.lua", Long.class);

	static final DefaultRedisScript<List<Object>> PROMOTE = load("promote.lua", LIST);

	static final DefaultRedisScript<Long> RECLAIM = load("reclaim.lua", Long.class);

	static final DefaultRedisScript<Long> KEEP_ALIVE = load("keep-alive.lua", Long.class);

	static final DefaultRedisScript<Long> RENEW_LEASES = load("renew-leases.lua", Long.class);

	static final DefaultRedisScript<Long> HAND_BACK = load("hand-back.lua", Long.class);

	static final DefaultRedisScript<Long> DEAD_LETTER = load("dead-letter.lua", Long.class);

	static final DefaultRedisScript<Long> REMOVE_DEAD_LETTER = load("remove-dead-letter.lua", Long.class);

	static final DefaultRedisScript<Long> RESERVE_DEAD_LETTER = load("reserve-dead-letter.lua", Long.class);

	static final DefaultRedisScript<byte[]> ENQUEUE_UNIQUE = load("enqueue-unique.lua", byte[].class);

	static final DefaultRedisScript<Long> ENQUEUE_TRACKED = load("enqueue-tracked.lua", Long.class);

	/**
	 * {@code enqueue-grouped.lua}.
	 */
	static final DefaultRedisScript<Long> ENQUEUE_GROUPED = load("enqueue-grouped.lua", Long.class);

	/**
	 * {@code release-groups.lua}.
	 */
	static final DefaultRedisScript<Long> RELEASE_GROUPS = load("release-groups.lua", Long.class);

	static final DefaultRedisScript<Long> RELEASE_UNIQUE = load("release-unique.lua", Long.class);

	static final DefaultRedisScript<Long> UNTRACK = load("untrack.lua", Long.class);

	static final DefaultRedisScript<Long> FORGET_CONSUMERS = load("forget-consumers.lua", Long.class);

	static final DefaultRedisScript<Long> REVOKE = load("revoke.lua", Long.class);

	static final DefaultRedisScript<List<Object>> INSPECT = load("inspect.lua", LIST);

	static final DefaultRedisScript<List<Object>> PEEK = load("peek.lua", LIST);

	static final DefaultRedisScript<List<Object>> HELD = load("held.lua", LIST);

	private BrokerScripts() {
	}

	private static <T> DefaultRedisScript<T> load(String name, Class<T> resultType) {
		return LuaScripts.load(BrokerScripts.class, name, resultType);
	}

}
