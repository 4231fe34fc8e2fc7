package io.gtask.backend.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * The Lua scripts of the result backend, read once from the {@code .lua} resources next to
 * this class. A script that uses the compact history is that file preceded by
 * {@code history.lua}.
 */
final class RedisTaskScripts {

	/** Records a task unless its id is in use. */
	static final DefaultRedisScript<Long> CREATE = script(Long.class, "create.lua");

	/**
	 * Changes a task whose change needs the stored history: the change of a state that the
	 * fields alone no longer tell afterwards (a retry, a requeue, a commit awaited).
	 */
	static final DefaultRedisScript<Long> UPDATE = script(Long.class, "history.lua", "update.lua");

	/** Revokes a task that has not started. */
	static final DefaultRedisScript<Long> REVOKE = script(Long.class, "history.lua", "revoke.lua");

	/** Adds a caller's channel to a task's waiters and returns its fields. */
	@SuppressWarnings("unchecked")
	static final DefaultRedisScript<List<Object>> WATCH = script((Class<List<Object>>) (Class<?>) List.class,
			"watch.lua");

	private RedisTaskScripts() {
	}

	private static <T> DefaultRedisScript<T> script(Class<T> type, String... files) {
		StringBuilder text = new StringBuilder();
		for (String file : files) {
			text.append(read(file)).append('\n');
		}
		return new DefaultRedisScript<>(text.toString(), type);
	}

	private static String read(String file) {
		ClassPathResource resource = new ClassPathResource(file, RedisTaskScripts.class);
		try (InputStream in = resource.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the Redis script " + resource, ex);
		}
	}

}
