package io.gtask.durable.redis;

import java.time.Duration;

import io.gtask.durable.LeaderLock;
import io.gtask.redis.LuaScripts;
import io.gtask.redis.RedisAsync;
import io.lettuce.core.ScriptOutputType;
import org.springframework.data.redis.core.script.DefaultRedisScript;

import static io.gtask.redis.RedisAsync.bytes;

/**
 * A {@link LeaderLock} on one Redis key: taken with {@code SET NX PX}, renewed and released only
 * by its owner, in scripts.
 */
public class RedisLeaderLock implements LeaderLock {

	private static final DefaultRedisScript<Long> ACQUIRE = LuaScripts.load(RedisLeaderLock.class, "acquire.lua",
			Long.class);

	private static final DefaultRedisScript<Long> RELEASE = LuaScripts.load(RedisLeaderLock.class, "release.lua",
			Long.class);

	private final RedisAsync redis;

	private final byte[] key;

	/**
	 * Create a lock.
	 * @param redis the connection
	 * @param key the key of the lock
	 */
	public RedisLeaderLock(RedisAsync redis, String key) {
		this.redis = redis;
		this.key = bytes(key);
	}

	@Override
	public boolean tryAcquire(String owner, Duration ttl) {
		Long held = this.redis.execute((commands) -> RedisAsync.<Long>script(commands, ACQUIRE, ScriptOutputType.INTEGER,
				new byte[][] { this.key }, bytes(owner), bytes(Long.toString(ttl.toMillis()))));
		return held != null && held == 1L;
	}

	@Override
	public void release(String owner) {
		this.redis.execute((commands) -> RedisAsync.<Long>script(commands, RELEASE, ScriptOutputType.INTEGER,
				new byte[][] { this.key }, bytes(owner)));
	}

}
