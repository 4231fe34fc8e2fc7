package io.gtask.sample;

import java.util.ArrayList;
import java.util.List;

import io.gtask.autoconfigure.GTaskProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Deletes the keys of a test context's key prefix when the context stops, so that test runs
 * leave nothing behind in a shared Redis (streams, unlike task states, do not expire).
 */
@TestConfiguration(proxyBeanMethods = false)
class RedisKeyCleanup implements SmartLifecycle {

	private final StringRedisTemplate redis;

	private final String prefix;

	private volatile boolean running;

	RedisKeyCleanup(StringRedisTemplate redis, GTaskProperties properties) {
		this.redis = redis;
		this.prefix = properties.getKeyPrefix();
	}

	@Override
	public int getPhase() {
		// stopped after the task container (which could otherwise recreate the streams) and
		// before the Redis connection factory
		return Integer.MAX_VALUE - 200;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		List<String> keys = new ArrayList<>();
		ScanOptions options = ScanOptions.scanOptions().match(this.prefix + ":*").count(1000).build();
		try (Cursor<String> cursor = this.redis.scan(options)) {
			cursor.forEachRemaining(keys::add);
		}
		if (!keys.isEmpty()) {
			this.redis.delete(keys);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
