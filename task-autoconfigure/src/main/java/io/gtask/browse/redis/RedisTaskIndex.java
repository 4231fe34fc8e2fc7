package io.gtask.browse.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gtask.browse.TaskIndex;
import io.gtask.core.GTaskException;
import io.gtask.core.RecentTask;
import io.gtask.core.RecentTasks;
import io.gtask.core.TaskError;
import io.gtask.core.TaskFilter;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * Indexes the tasks that ended in two Redis streams, {@code <prefix>:browse:succeeded} and
 * {@code <prefix>:browse:failed} (failed, revoked and expired tasks), each trimmed to about its
 * configured length as it is written: one {@code XADD} per task, sent with the other entries of
 * the batch of outcomes a worker writes. Reads walk a stream backwards from a cursor, a chunk at
 * a time, and stop after a bounded number of entries whatever the filter keeps.
 * <p>
 * What is read is not trusted: an entry that lacks a field or holds a value gtask does not
 * write is left out; a key of another type fails the read with a message naming it.
 */
public final class RedisTaskIndex implements TaskIndex {

	private static final LogAccessor logger = new LogAccessor(RedisTaskIndex.class);

	static final int MAX_ERROR_LENGTH = 1000;

	static final int MAX_TRACE_LENGTH = 4000;

	static final int MAX_ARGS_LENGTH = 512;

	private static final int CHUNK = 200;

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final long maxSucceeded;

	private final long maxFailed;

	/**
	 * Create an index.
	 * @param redis runs the commands
	 * @param keys the keyspace
	 * @param maxSucceeded about how many tasks that succeeded are kept
	 * @param maxFailed about how many of the others are kept
	 */
	public RedisTaskIndex(RedisAsync redis, RedisKeyspace keys, long maxSucceeded, long maxFailed) {
		this.redis = redis;
		this.keys = keys;
		this.maxSucceeded = maxSucceeded;
		this.maxFailed = maxFailed;
	}

	@Override
	public void record(List<RecentTask> tasks) {
		if (tasks.isEmpty()) {
			return;
		}
		try {
			// not waited for: the writer of outcomes goes on, and a failure loses only entries
			this.redis.submitBatch((batch) -> {
				for (RecentTask task : tasks) {
					boolean succeeded = task.status() == TaskStatus.SUCCESS;
					if ((succeeded ? this.maxSucceeded : this.maxFailed) <= 0) {
						continue;
					}
					batch.xaddCapped(bytes(this.keys.recent(succeeded)), succeeded ? this.maxSucceeded : this.maxFailed,
							fields(task));
				}
			}).whenComplete((done, ex) -> {
				if (ex != null) {
					logger.debug(ex, () -> "Could not index " + tasks.size() + " task(s) that ended: " + ex.getMessage());
				}
			});
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not index " + tasks.size() + " task(s) that ended: " + ex.getMessage());
		}
	}

	private static List<byte[]> fields(RecentTask task) {
		List<byte[]> fields = new ArrayList<>(22);
		add(fields, "i", task.id());
		add(fields, "n", task.name());
		add(fields, "q", task.queue());
		add(fields, "s", task.status().name());
		add(fields, "t", Long.toString(task.finishedAt().toEpochMilli()));
		add(fields, "a", Integer.toString(task.attempts()));
		if (task.startedAt() != null) {
			add(fields, "st", Long.toString(task.startedAt().toEpochMilli()));
		}
		if (task.error() != null) {
			add(fields, "et", shorten(task.error().type(), MAX_ERROR_LENGTH));
			add(fields, "em", shorten(task.error().message(), MAX_ERROR_LENGTH));
		}
		if (task.trace() != null) {
			add(fields, "tr", shorten(task.trace(), MAX_TRACE_LENGTH));
		}
		if (task.args() != null) {
			add(fields, "ar", shorten(task.args(), MAX_ARGS_LENGTH));
		}
		return fields;
	}

	private static void add(List<byte[]> fields, String field, String value) {
		fields.add(bytes(field));
		fields.add(bytes(value));
	}

	/**
	 * Shorten a text to at most a length, marking the cut.
	 * @param text the text
	 * @param max the most characters kept
	 * @return the text, shortened
	 */
	public static String shorten(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, max - 1) + "…";
	}

	@Override
	public RecentTasks recent(boolean succeeded, TaskFilter filter, @Nullable String cursor, int limit) {
		String key = this.keys.recent(succeeded);
		long scanLimit = Math.max(CHUNK, succeeded ? this.maxSucceeded : this.maxFailed) * 2;
		String end = (cursor != null) ? before(cursor) : "+";
		List<RecentTask> found = new ArrayList<>(limit);
		long scanned = 0;
		String last = null;
		while (end != null && found.size() < limit && scanned < scanLimit) {
			String upper = end;
			List<StreamMessage<byte[], byte[]>> chunk = read(key, upper);
			if (chunk.isEmpty()) {
				return new RecentTasks(found, null);
			}
			for (StreamMessage<byte[], byte[]> message : chunk) {
				scanned++;
				last = message.getId();
				RecentTask task = task(message.getBody(), succeeded);
				if (task != null && filter.accepts(task.id(), task.name(), task.queue(), task.args())) {
					found.add(task);
					if (found.size() == limit) {
						break;
					}
				}
			}
			end = (chunk.size() < CHUNK && found.size() < limit) ? null : before(last);
		}
		return new RecentTasks(found, (end != null && last != null) ? last : null);
	}

	private List<StreamMessage<byte[], byte[]>> read(String key, String upper) {
		byte[] stream = bytes(key);
		try {
			return this.redis.execute((commands) -> commands.xrevrange(stream, Range.create("-", upper),
					Limit.from(CHUNK)));
		}
		catch (RuntimeException ex) {
			if (String.valueOf(ex.getMessage()).contains("WRONGTYPE")
					|| (ex.getCause() != null && String.valueOf(ex.getCause().getMessage()).contains("WRONGTYPE"))) {
				throw new GTaskException("The key " + key + " of recently ended tasks is not a stream", ex);
			}
			throw ex;
		}
	}

	/**
	 * The stream id just before one, so that a read from it leaves that id out.
	 * @throws IllegalArgumentException if the cursor is not a stream id
	 */
	static @Nullable String before(String id) {
		int dash = id.indexOf('-');
		try {
			long millis = Long.parseLong((dash < 0) ? id : id.substring(0, dash));
			long sequence = (dash < 0) ? 0 : Long.parseUnsignedLong(id.substring(dash + 1));
			if (millis < 0) {
				throw new NumberFormatException("negative");
			}
			if (sequence != 0) {
				return millis + "-" + Long.toUnsignedString(sequence - 1);
			}
			return (millis == 0) ? null : (millis - 1) + "-" + Long.toUnsignedString(-1L);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + id + "' is not a cursor of a page of recent tasks", ex);
		}
	}

	private static @Nullable RecentTask task(Map<byte[], byte[]> body, boolean succeeded) {
		Map<String, String> fields = new java.util.HashMap<>();
		body.forEach((field, value) -> fields.put(string(field), string(value)));
		String id = fields.get("i");
		String name = fields.get("n");
		String queue = fields.get("q");
		TaskStatus status = status(fields.get("s"));
		Instant at = instant(fields.get("t"));
		if (id == null || name == null || queue == null || status == null || at == null
				|| (status == TaskStatus.SUCCESS) != succeeded) {
			return null;
		}
		int attempts;
		try {
			attempts = Integer.parseInt(fields.getOrDefault("a", "0"));
		}
		catch (NumberFormatException ex) {
			attempts = 0;
		}
		String errorType = fields.get("et");
		String errorMessage = fields.get("em");
		TaskError error = (errorType != null || errorMessage != null)
				? new TaskError((errorType != null) ? errorType : "", (errorMessage != null) ? errorMessage : "") : null;
		return new RecentTask(id, name, queue, status, at, attempts, instant(fields.get("st")), error, fields.get("tr"),
				fields.get("ar"));
	}

	private static @Nullable TaskStatus status(@Nullable String value) {
		if (value == null) {
			return null;
		}
		for (TaskStatus status : List.of(TaskStatus.SUCCESS, TaskStatus.FAILURE, TaskStatus.REVOKED,
				TaskStatus.EXPIRED)) {
			if (status.name().equals(value)) {
				return status;
			}
		}
		return null;
	}

	private static @Nullable Instant instant(@Nullable String millis) {
		if (millis == null) {
			return null;
		}
		try {
			return Instant.ofEpochMilli(Long.parseLong(millis));
		}
		catch (NumberFormatException | java.time.DateTimeException ex) {
			return null;
		}
	}

}
