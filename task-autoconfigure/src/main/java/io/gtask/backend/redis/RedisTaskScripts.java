package io.gtask.backend.redis;

import java.util.List;

import io.gtask.redis.LuaScripts;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * The Lua scripts of the result backend, read once from the {@code .lua} resources next to
 * this class ({@link LuaScripts}); those that keep the compact history include
 * {@code lib/history.lua}.
 */
final class RedisTaskScripts {

	/** Records a task unless its id is in use. */
	static final DefaultRedisScript<Long> CREATE = LuaScripts.load(RedisTaskScripts.class, "create.lua", Long.class);

	/**
	 * Changes a task whose change needs the stored history: the change of a state that the
	 * fields alone no longer tell afterwards (a retry, a requeue, a commit awaited).
	 */
	static final DefaultRedisScript<Long> UPDATE = LuaScripts.load(RedisTaskScripts.class, "update.lua", Long.class);

	/** Revokes a task that has not started. */
	static final DefaultRedisScript<Long> REVOKE = LuaScripts.load(RedisTaskScripts.class, "revoke.lua", Long.class);

	/** Adds a caller's channel to a task's waiters and returns its fields. */
	@SuppressWarnings("unchecked")
	static final DefaultRedisScript<List<Object>> WATCH = LuaScripts.load(RedisTaskScripts.class, "watch.lua",
			(Class<List<Object>>) (Class<?>) List.class);

	private RedisTaskScripts() {
	}

}
