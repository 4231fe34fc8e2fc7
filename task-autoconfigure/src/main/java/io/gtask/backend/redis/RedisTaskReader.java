package io.gtask.backend.redis;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.gtask.backend.TaskHistory;
import io.gtask.core.TaskInfo;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * Reads the hash of a task and turns its fields into a {@link TaskInfo}, for the backend's
 * reads and for the callers waiting for a task alike.
 */
final class RedisTaskReader {

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private volatile int maxHistory = TaskHistory.DEFAULT_MAX_HISTORY;

	RedisTaskReader(RedisAsync redis, RedisKeyspace keys) {
		this.redis = redis;
		this.keys = keys;
	}

	/**
	 * Set how many of a task's latest events a read answers.
	 */
	void setMaxHistory(int maxHistory) {
		this.maxHistory = maxHistory;
	}

	/**
	 * Read a task's hash: empty when there is none.
	 */
	Optional<TaskInfo> find(String id) {
		Map<byte[], byte[]> hash = this.redis.execute((commands) -> commands.hgetall(bytes(this.keys.task(id))));
		if (hash == null || hash.isEmpty()) {
			return Optional.empty();
		}
		Map<String, String> fields = new HashMap<>();
		hash.forEach((field, value) -> fields.put(string(field), string(value)));
		return Optional.of(toInfo(id, fields));
	}

	/**
	 * The state of a task whose fields were read.
	 */
	TaskInfo toInfo(String id, Map<String, String> fields) {
		return RedisTaskFields.toInfo(id, fields, this.maxHistory);
	}

	/**
	 * The fields of a hash that a script answered as a flat list of fields and values.
	 */
	static Map<String, String> fields(List<Object> flat) {
		Map<String, String> fields = new HashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			fields.put(string((byte[]) flat.get(i)), string((byte[]) flat.get(i + 1)));
		}
		return fields;
	}

}
