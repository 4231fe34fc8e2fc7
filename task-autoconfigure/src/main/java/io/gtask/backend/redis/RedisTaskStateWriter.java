package io.gtask.backend.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.gtask.backend.TaskHistory;
import io.gtask.backend.TaskStateChange;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisBatch;
import io.gtask.redis.RedisKeyspace;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * Writes the state changes of tasks, a batch at a time with one flush.
 * <p>
 * The changes nearly every task makes, the start of an attempt and its end in SUCCESS or
 * FAILURE, are plain commands and no script: {@code HSET} of the fields, {@code PEXPIRE} for
 * an ended task ({@code PERSIST} for a started one) and {@code HGET} of its waiters, plus
 * {@code HDEL} of what an earlier attempt left. The history of such a change is told by the
 * fields themselves ({@link RedisTaskFields}). The waiters of an ended task are then sent its
 * state on their channels. Other changes (a retry, a requeue, a commit awaited, an expiry) run
 * a script that first stores the events the fields told.
 */
final class RedisTaskStateWriter {

	private static final LogAccessor logger = new LogAccessor(RedisTaskStateWriter.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final byte[] ZERO = bytes("0");

	private static final byte[] ONE = bytes("1");

	private static final byte[] NO_EVENTS = new byte[0];

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final long ttlMillis;

	private final byte[] ttlArg;

	private final int maxHistory;

	private final byte[] maxHistoryArg;

	RedisTaskStateWriter(RedisAsync redis, RedisKeyspace keys, Duration timeToLive, int maxHistory) {
		this.redis = redis;
		this.keys = keys;
		this.ttlMillis = timeToLive.toMillis();
		this.ttlArg = bytes(Long.toString(this.ttlMillis));
		this.maxHistory = maxHistory;
		this.maxHistoryArg = bytes(Integer.toString(maxHistory));
	}

	void update(List<TaskStateChange> changes) {
		if (changes.isEmpty()) {
			return;
		}
		List<TaskStateChange> ended = new ArrayList<>();
		List<CompletableFuture<List<byte @Nullable []>>> waiters = new ArrayList<>();
		this.redis.executeBatch((batch) -> {
			for (TaskStateChange change : changes) {
				byte[] key = bytes(this.keys.task(change.id()));
				if (isPlain(change)) {
					CompletableFuture<List<byte @Nullable []>> waiting = writePlain(batch, key, change);
					if (waiting != null) {
						ended.add(change);
						waiters.add(waiting);
					}
				}
				else {
					batch.script(RedisTaskScripts.UPDATE, new byte[][] { key }, scriptArgs(change));
				}
			}
		});
		notifyWaiters(ended, waiters);
	}

	/**
	 * Whether the fields written by a change tell its events, so that it needs neither the
	 * stored history nor a script: the start of an attempt (not one awaiting its commit) and
	 * its end in SUCCESS or FAILURE.
	 */
	private static boolean isPlain(TaskStateChange change) {
		return switch (change.status()) {
			case STARTED -> change.startedAt() == null || change.startedAt().equals(change.at());
			case SUCCESS, FAILURE -> true;
			default -> false;
		};
	}

	private @Nullable CompletableFuture<List<byte @Nullable []>> writePlain(RedisBatch batch, byte[] key,
			TaskStateChange change) {
		batch.hset(key, fieldsOf(change));
		if (change.attempts() > 1) {
			// only an earlier attempt leaves an error, a next attempt or a result behind
			batch.hdel(key, RedisTaskFields.deletedBy(change.status()));
		}
		if (!change.status().isFinished()) {
			batch.persist(key);
			return null;
		}
		batch.pexpire(key, this.ttlMillis);
		return batch.hmget(key, RedisTaskFields.WAITERS, RedisTaskFields.HISTORY);
	}

	private static List<byte[]> fieldsOf(TaskStateChange change) {
		List<byte[]> fields = new ArrayList<>(20);
		pair(fields, RedisTaskFields.STATUS, RedisTaskFields.STATUS_VALUES[change.status().ordinal()]);
		pair(fields, RedisTaskFields.NAME, bytes(change.name()));
		pair(fields, RedisTaskFields.QUEUE, bytes(change.queue()));
		pair(fields, RedisTaskFields.ATTEMPTS, bytes(Integer.toString(change.attempts())));
		if (change.startedAt() != null) {
			pair(fields, RedisTaskFields.STARTED_AT, RedisTaskFields.millis(change.startedAt()));
		}
		if (change.status().isFinished()) {
			pair(fields, RedisTaskFields.FINISHED_AT, RedisTaskFields.millis(change.at()));
		}
		if (change.result() != null) {
			pair(fields, RedisTaskFields.RESULT, bytes(change.result()));
		}
		if (change.error() != null) {
			pair(fields, RedisTaskFields.ERROR_TYPE, bytes(change.error().type()));
			pair(fields, RedisTaskFields.ERROR_MESSAGE, bytes(change.error().message()));
		}
		if (change.nextAttemptAt() != null) {
			pair(fields, RedisTaskFields.NEXT_ATTEMPT_AT, RedisTaskFields.millis(change.nextAttemptAt()));
		}
		return fields;
	}

	private byte[][] scriptArgs(TaskStateChange change) {
		List<byte[]> args = new ArrayList<>(26);
		args.add(this.ttlArg);
		args.add(change.status().isFinished() ? ONE : ZERO);
		args.add(bytes(change.id()));
		args.add(this.maxHistoryArg);
		args.add((this.maxHistory > 0) ? bytes(TaskHistory.toText(TaskHistory.events(change))) : NO_EVENTS);
		byte[][] deleted = RedisTaskFields.deletedBy(change.status());
		args.add(bytes(Integer.toString(deleted.length)));
		args.addAll(List.of(deleted));
		args.addAll(fieldsOf(change));
		return args.toArray(new byte[0][]);
	}

	/**
	 * Send the waiters of ended tasks the fields written: {@code [id, [field, value, ...], 0]},
	 * the last element telling a waiter that the fields are those of the change only, to be
	 * merged with what it read when it began to wait, or {@code [id, [], 1]} when the task has
	 * a stored history, which a waiter reads with the task.
	 */
	private void notifyWaiters(List<TaskStateChange> ended, List<CompletableFuture<List<byte @Nullable []>>> waiters) {
		List<byte[]> channels = new ArrayList<>();
		List<byte[]> messages = new ArrayList<>();
		for (int i = 0; i < ended.size(); i++) {
			List<byte @Nullable []> read = waiters.get(i).getNow(null);
			byte[] waiting = (read != null && !read.isEmpty()) ? read.get(0) : null;
			if (waiting == null) {
				continue;
			}
			// a task with stored history had more happen than its waiters saw: they read it
			byte[] message = notification(ended.get(i), read.size() > 1 && read.get(1) != null);
			for (String channel : string(waiting).split(" ")) {
				if (!channel.isBlank()) {
					channels.add(bytes(channel));
					messages.add(message);
				}
			}
		}
		if (channels.isEmpty()) {
			return;
		}
		this.redis.submitBatch((batch) -> {
			for (int i = 0; i < channels.size(); i++) {
				batch.publish(channels.get(i), messages.get(i));
			}
		}).whenComplete((ignored, ex) -> {
			if (ex != null) {
				logger.debug(ex, "Could not notify the callers waiting for tasks; they poll");
			}
		});
	}

	private static byte[] notification(TaskStateChange change, boolean read) {
		ArrayNode message = json.createArrayNode();
		message.add(change.id());
		ArrayNode flat = message.addArray();
		if (!read) {
			for (byte[] item : fieldsOf(change)) {
				flat.add(string(item));
			}
		}
		message.add(read ? 1 : 0);
		return json.writeValueAsBytes(message);
	}

	private static void pair(List<byte[]> args, byte[] field, byte[] value) {
		args.add(field);
		args.add(value);
	}

}
