package io.gtask.broker.redis;

import java.util.LinkedHashMap;
import java.util.Map;

import io.gtask.core.TaskLimit;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;

/**
 * What {@link RedisTaskBroker}, {@link RedisQueueAdmin} and {@link RedisDeadLetterStore} of one
 * set of queues share: the connection, the key layout, the settings, and what is known about
 * keys that hold a value of another type, so that each such key is reported once whichever of
 * them meets it.
 */
public final class RedisBrokerContext {

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final RedisBrokerSettings settings;

	private final QueueKeyTypes keyTypes;

	private volatile Limits limits = new Limits(Map.of(), Map.of());

	/**
	 * Create a context.
	 * @param redis the connection
	 * @param keys the key layout
	 * @param settings the settings
	 */
	public RedisBrokerContext(RedisAsync redis, RedisKeyspace keys, RedisBrokerSettings settings) {
		this.redis = redis;
		this.keys = keys;
		this.settings = settings;
		this.keyTypes = new QueueKeyTypes(redis, keys);
	}

	/**
	 * The key layout.
	 * @return the keyspace
	 */
	public RedisKeyspace getKeyspace() {
		return this.keys;
	}

	/**
	 * The settings.
	 * @return the settings
	 */
	public RedisBrokerSettings getSettings() {
		return this.settings;
	}

	RedisAsync redis() {
		return this.redis;
	}

	/**
	 * The Redis connection the broker uses, for the state that lives beside its queues.
	 * @return the connection
	 */
	public RedisAsync getRedis() {
		return this.redis;
	}

	RedisKeyspace keys() {
		return this.keys;
	}

	QueueKeyTypes keyTypes() {
		return this.keyTypes;
	}

	/**
	 * The limits of the task names that have any, as the settings give them now.
	 */
	Map<String, TaskLimit> limits() {
		Map<String, TaskLimit> given = this.settings.taskLimits().get();
		Limits last = this.limits;
		if (last.given() != given) {
			last = new Limits(given, limitedOnly(given));
			this.limits = last;
		}
		return last.limited();
	}

	private static Map<String, TaskLimit> limitedOnly(Map<String, TaskLimit> limits) {
		Map<String, TaskLimit> limited = new LinkedHashMap<>();
		limits.forEach((name, limit) -> {
			if (limit.isLimited()) {
				limited.put(name, limit);
			}
		});
		return Map.copyOf(limited);
	}

	private record Limits(Map<String, TaskLimit> given, Map<String, TaskLimit> limited) {
	}

}
