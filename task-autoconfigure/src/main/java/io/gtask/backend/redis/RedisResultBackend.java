package io.gtask.backend.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.gtask.backend.NewTask;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.TaskHistory;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRevokedException;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisBatch;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * A {@link ResultBackend} that keeps each task in a Redis hash with a time to live.
 * <p>
 * Every write is one script call that sets the fields and the expiry. The time to live counts
 * from the task's end: a write that finishes a task sets it, and a write that leaves it
 * unfinished removes it, so that a task is never forgotten while a worker has it. A task just
 * sent is kept for its countdown plus the time to live, so that a task waiting for a long
 * countdown is not forgotten before it runs ({@code revoke}, {@code cancel} and {@code await}
 * would call it unknown), while the record of a send that failed before its message was queued
 * still goes away by itself. A task that waits in its queue, unstarted, for longer than the time
 * to live after it was due loses its state until a worker starts it. A caller that waits for a task adds its backend's own notification channel to
 * the task's {@code waiters} field, in the same script that reads the task; the script that
 * finishes the task publishes its id on each of those channels. A backend subscribes once to its
 * own channel, so waiting costs one round trip, no subscription per task, and no notification
 * is sent for a task nobody waits for. A slow poll covers notifications lost on a reconnect.
 */
public class RedisResultBackend implements ResultBackend, SmartLifecycle, DisposableBean {

	private static final LogAccessor logger = new LogAccessor(RedisResultBackend.class);

	private static final DefaultRedisScript<Long> CREATE = new DefaultRedisScript<>("""
			if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
			redis.call('HSET', KEYS[1], unpack(ARGV, 2))
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			return 1
			""", Long.class);

	/**
	 * Appends events (lines ended by a line feed) to the {@code history} field and drops the
	 * oldest lines beyond a maximum: string operations only, no JSON decoding, and lines are
	 * counted only once the text is long enough to hold more than the maximum.
	 */
	private static final String RECORD = """
			local function record(key, events, max)
			  local history = (redis.call('HGET', key, 'history') or '') .. events
			  -- an event line is 38 bytes at least: shorter text holds no more than max events
			  local count = 0
			  if #history > 38 * max then count = select(2, string.gsub(history, '\\n', '')) end
			  if count > max then
			    local from = 0
			    for i = 1, count - max do from = string.find(history, '\\n', from + 1, true) end
			    history = string.sub(history, from + 1)
			  end
			  redis.call('HSET', key, 'history', history)
			end
			""";

	private static final DefaultRedisScript<Long> UPDATE = new DefaultRedisScript<>(RECORD + """
			local deleted = tonumber(ARGV[6])
			redis.call('HSET', KEYS[1], unpack(ARGV, 7 + deleted))
			if deleted > 0 then redis.call('HDEL', KEYS[1], unpack(ARGV, 7, 6 + deleted)) end
			if ARGV[5] ~= '' then record(KEYS[1], ARGV[5], tonumber(ARGV[4])) end
			if ARGV[2] == '1' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) else redis.call('PERSIST', KEYS[1]) end
			if ARGV[2] == '1' then
			  local waiters = redis.call('HGET', KEYS[1], 'waiters')
			  if waiters then
			    local state = cjson.encode({ARGV[3], redis.call('HGETALL', KEYS[1])})
			    for channel in string.gmatch(waiters, '%S+') do redis.call('PUBLISH', channel, state) end
			  end
			end
			return 1
			""", Long.class);

	private static final DefaultRedisScript<List<Object>> WATCH = new DefaultRedisScript<>("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
			local waiters = redis.call('HGET', KEYS[1], 'waiters')
			if not waiters then
			  redis.call('HSET', KEYS[1], 'waiters', ARGV[1])
			elseif not string.find(' ' .. waiters .. ' ', ' ' .. ARGV[1] .. ' ', 1, true) then
			  redis.call('HSET', KEYS[1], 'waiters', waiters .. ' ' .. ARGV[1])
			end
			return redis.call('HGETALL', KEYS[1])
			""", (Class<List<Object>>) (Class<?>) List.class);

	private static final DefaultRedisScript<Long> REVOKE = new DefaultRedisScript<>(RECORD + """
			local status = redis.call('HGET', KEYS[1], 'status')
			if status ~= 'PENDING' and status ~= 'RETRY' then return 0 end
			redis.call('HSET', KEYS[1], 'status', 'REVOKED', 'finishedAt', ARGV[3], 'errorType', ARGV[4],
			  'errorMessage', ARGV[5])
			redis.call('HDEL', KEYS[1], 'nextAttemptAt')
			local max = tonumber(ARGV[6])
			if max > 0 then
			  local attempts = redis.call('HGET', KEYS[1], 'attempts') or '0'
			  record(KEYS[1], '{"status":"REVOKED","at":' .. ARGV[3] .. ',"attempt":' .. attempts
			    .. ',"errorType":' .. cjson.encode(ARGV[4]) .. ',"errorMessage":' .. cjson.encode(ARGV[5]) .. '}\\n', max)
			end
			redis.call('PEXPIRE', KEYS[1], ARGV[1])
			local waiters = redis.call('HGET', KEYS[1], 'waiters')
			if waiters then
			  local state = cjson.encode({ARGV[2], redis.call('HGETALL', KEYS[1])})
			  for channel in string.gmatch(waiters, '%S+') do redis.call('PUBLISH', channel, state) end
			end
			return 1
			""", Long.class);

	private static final byte[] ZERO = bytes("0");

	private static final JsonMapper NOTIFICATION_READER = JsonMapper.builder().build();

	private static final byte[] NAME = bytes("name");

	private static final byte[] QUEUE = bytes("queue");

	private static final byte[] STATUS = bytes("status");

	private static final byte[] ATTEMPTS = bytes("attempts");

	private static final byte[] CREATED_AT = bytes("createdAt");

	private static final byte[] STARTED_AT = bytes("startedAt");

	private static final byte[] FINISHED_AT = bytes("finishedAt");

	private static final byte[] RESULT = bytes("result");

	private static final byte[] ERROR_TYPE = bytes("errorType");

	private static final byte[] ERROR_MESSAGE = bytes("errorMessage");

	private static final byte[] NEXT_ATTEMPT_AT = bytes("nextAttemptAt");

	private static final byte[] ARGS = bytes("args");

	private static final byte[] HISTORY = bytes("history");

	private static final byte[] NO_EVENTS = new byte[0];

	private static final byte[] PENDING = bytes(TaskStatus.PENDING.name());

	private static final byte[][] STATUS_VALUES = java.util.Arrays.stream(TaskStatus.values())
		.map((status) -> bytes(status.name()))
		.toArray(byte[][]::new);

	private static final byte[][] STARTED_DELETES = { NEXT_ATTEMPT_AT };

	private static final byte[][] SUCCESS_DELETES = { ERROR_TYPE, ERROR_MESSAGE, NEXT_ATTEMPT_AT };

	private static final byte[][] FAILURE_DELETES = { RESULT, NEXT_ATTEMPT_AT };

	private static final byte[][] OTHER_DELETES = { RESULT };

	private static final byte[][] PENDING_DELETES = { RESULT, ERROR_TYPE, ERROR_MESSAGE, NEXT_ATTEMPT_AT, STARTED_AT,
			FINISHED_AT };

	private static final byte[] ONE = bytes("1");

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final Duration timeToLive;

	private final byte[] ttlMillis;

	private final ScheduledExecutorService scheduler;

	private final Duration pollInterval;

	private final String channel;

	private final Map<String, List<CompletableFuture<TaskInfo>>> waiting = new ConcurrentHashMap<>();

	private final ReentrantLock listenerLock = new ReentrantLock();

	private @Nullable RedisMessageListenerContainer listenerContainer;

	private volatile boolean running;

	private int maxHistory = TaskHistory.DEFAULT_MAX_HISTORY;

	private byte[] maxHistoryArg = bytes(Integer.toString(TaskHistory.DEFAULT_MAX_HISTORY));

	/**
	 * Create a backend.
	 * @param redis the connection
	 * @param keys the keyspace
	 * @param timeToLive how long a task is kept after it ends (an unfinished task is kept until it ends)
	 * @param pollInterval how often waiting callers check the state in case a notification was
	 * lost
	 */
	public RedisResultBackend(RedisAsync redis, RedisKeyspace keys, Duration timeToLive, Duration pollInterval) {
		this.redis = redis;
		this.keys = keys;
		this.timeToLive = timeToLive;
		this.ttlMillis = bytes(Long.toString(timeToLive.toMillis()));
		CustomizableThreadFactory threads = new CustomizableThreadFactory("gtask-result-");
		// waiting for results must not keep the JVM of a client alive once its work is done
		threads.setDaemon(true);
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, threads);
		scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler = scheduler;
		this.pollInterval = pollInterval;
		this.channel = keys.notifyChannel(UUID.randomUUID().toString());
	}

	/**
	 * How long a task is kept after its last change.
	 * @return the time to live
	 */
	public Duration getTimeToLive() {
		return this.timeToLive;
	}

	/**
	 * Set how many of a task's latest events its history keeps, {@code 0} for none. The
	 * history is one field of the task's hash, appended and cut by the script of each write.
	 * @param maxHistory the number of events
	 */
	public void setMaxHistory(int maxHistory) {
		Assert.isTrue(maxHistory >= 0, "Max history must not be negative");
		this.maxHistory = maxHistory;
		this.maxHistoryArg = bytes(Integer.toString(maxHistory));
	}

	/**
	 * How many of a task's latest events its history keeps.
	 * @return the number of events
	 */
	public int getMaxHistory() {
		return this.maxHistory;
	}

	@Override
	public CompletableFuture<List<String>> create(List<NewTask> tasks) {
		if (tasks.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		List<CompletableFuture<Long>> created = new ArrayList<>(tasks.size());
		CompletableFuture<Void> all = this.redis.submitBatch((batch) -> {
			for (NewTask task : tasks) {
				created.add(batch.script(CREATE, new byte[][] { bytes(this.keys.task(task.id())) }, createArgs(task)));
			}
		});
		return all.thenApply((ignored) -> {
			List<String> refused = new ArrayList<>();
			for (int i = 0; i < tasks.size(); i++) {
				if (tasks.get(i).exclusive() && created.get(i).join() == 0L) {
					refused.add(tasks.get(i).id());
				}
			}
			return refused;
		});
	}

	/**
	 * Add to a batch the commands that record a new task whose id was generated for this send,
	 * so that no key can hold it yet: {@code HSET} and {@code PEXPIRE}, without the check that
	 * the id is unknown which {@link #create(List)} makes. On a connection that keeps the order
	 * of commands, commands added to the batch after these see the record.
	 * @param batch the batch
	 * @param task the task
	 * @return a future completed when Redis answered both commands, failed if it refused one
	 */
	public CompletableFuture<Void> recordNew(RedisBatch batch, NewTask task) {
		byte[] key = bytes(this.keys.task(task.id()));
		List<byte[]> fields = new ArrayList<>(14);
		addFields(fields, task);
		CompletableFuture<Long> written = batch.hset(key, fields.toArray(new byte[0][]));
		CompletableFuture<Boolean> expiring = batch.pexpire(key, createdTimeToLive(task));
		return CompletableFuture.allOf(written, expiring);
	}

	/**
	 * The connection this backend runs its commands on.
	 * @return the connection
	 */
	public RedisAsync getRedis() {
		return this.redis;
	}

	private byte[][] createArgs(NewTask task) {
		List<byte[]> args = new ArrayList<>(15);
		args.add(bytes(Long.toString(createdTimeToLive(task))));
		addFields(args, task);
		return args.toArray(new byte[0][]);
	}

	/**
	 * How long a new record is kept: its countdown and then the time to live, which bounds a
	 * record whose message was never queued (a send that failed); a worker's first change
	 * removes the expiry.
	 */
	private long createdTimeToLive(NewTask task) {
		long countdown = (task.dueAt() != null) ? Math.max(0, task.dueAt().toEpochMilli() - task.createdAt().toEpochMilli())
				: 0;
		return this.timeToLive.toMillis() + countdown;
	}

	private void addFields(List<byte[]> args, NewTask task) {
		pair(args, NAME, bytes(task.name()));
		pair(args, QUEUE, bytes(task.queue()));
		pair(args, STATUS, PENDING);
		pair(args, ATTEMPTS, ZERO);
		pair(args, CREATED_AT, millis(task.createdAt()));
		if (task.args() != null) {
			pair(args, ARGS, bytes(task.args()));
		}
		if (this.maxHistory > 0) {
			pair(args, HISTORY, bytes(TaskHistory.toText(List.of(TaskHistory.created(task)))));
		}
	}

	@Override
	public void update(List<TaskStateChange> changes) {
		if (changes.isEmpty()) {
			return;
		}
		this.redis.executeBatch((batch) -> {
			for (TaskStateChange change : changes) {
				batch.script(UPDATE, new byte[][] { bytes(this.keys.task(change.id())) }, updateArgs(change));
			}
		});
	}

	private byte[][] updateArgs(TaskStateChange change) {
		List<byte[]> args = new ArrayList<>(26);
		args.add(this.ttlMillis);
		args.add(change.status().isFinished() ? ONE : ZERO);
		args.add(bytes(change.id()));
		args.add(this.maxHistoryArg);
		args.add((this.maxHistory > 0) ? bytes(TaskHistory.toText(TaskHistory.events(change))) : NO_EVENTS);
		byte[][] deleted = switch (change.status()) {
			case STARTED -> STARTED_DELETES;
			case SUCCESS -> SUCCESS_DELETES;
			case FAILURE, REVOKED, EXPIRED -> FAILURE_DELETES;
			case PENDING -> PENDING_DELETES;
			default -> OTHER_DELETES;
		};
		args.add(bytes(Integer.toString(deleted.length)));
		args.addAll(List.of(deleted));
		pair(args, STATUS, STATUS_VALUES[change.status().ordinal()]);
		pair(args, NAME, bytes(change.name()));
		pair(args, QUEUE, bytes(change.queue()));
		pair(args, ATTEMPTS, bytes(Integer.toString(change.attempts())));
		if (change.startedAt() != null) {
			pair(args, STARTED_AT, millis(change.startedAt()));
		}
		if (change.status().isFinished()) {
			pair(args, FINISHED_AT, millis(change.at()));
		}
		if (change.result() != null) {
			pair(args, RESULT, bytes(change.result()));
		}
		if (change.error() != null) {
			pair(args, ERROR_TYPE, bytes(change.error().type()));
			pair(args, ERROR_MESSAGE, bytes(change.error().message()));
		}
		if (change.nextAttemptAt() != null) {
			pair(args, NEXT_ATTEMPT_AT, millis(change.nextAttemptAt()));
		}
		return args.toArray(new byte[0][]);
	}

	private static void pair(List<byte[]> args, byte[] field, byte[] value) {
		args.add(field);
		args.add(value);
	}

	@Override
	public Optional<TaskInfo> find(String id) {
		Map<byte[], byte[]> hash = this.redis.execute((commands) -> commands.hgetall(bytes(this.keys.task(id))));
		if (hash == null || hash.isEmpty()) {
			return Optional.empty();
		}
		Map<String, String> fields = new HashMap<>();
		hash.forEach((field, value) -> fields.put(string(field), string(value)));
		return Optional.of(toInfo(id, fields));
	}

	private TaskInfo toInfo(String id, Map<String, String> fields) {
		try {
			TaskStatus status = TaskStatus.valueOf(fields.getOrDefault("status", ""));
			String errorType = fields.get("errorType");
			TaskError error = (errorType != null) ? new TaskError(errorType, fields.getOrDefault("errorMessage", ""))
					: null;
			Instant createdAt = instant(fields.get("createdAt"));
			return new TaskInfo(id, fields.getOrDefault("name", ""), fields.getOrDefault("queue", ""), status,
					fields.get("result"), error, Integer.parseInt(fields.getOrDefault("attempts", "0")),
					(createdAt != null) ? createdAt : Instant.EPOCH, instant(fields.get("startedAt")),
					instant(fields.get("finishedAt")), instant(fields.get("nextAttemptAt")), fields.get("args"),
					TaskHistory.fromText(fields.get("history"), this.maxHistory));
		}
		catch (IllegalArgumentException ex) {
			throw new GTaskException("Stored state of task '" + id + "' is unreadable: " + ex.getMessage(), ex);
		}
	}

	private static @Nullable Instant instant(@Nullable String millis) {
		return (millis != null) ? Instant.ofEpochMilli(Long.parseLong(millis)) : null;
	}

	private static byte[] millis(Instant instant) {
		return bytes(Long.toString(instant.toEpochMilli()));
	}

	@Override
	public boolean revoke(String id, Instant at) {
		Long revoked = this.redis.execute((commands) -> RedisAsync.<Long>script(commands, REVOKE,
				ScriptOutputType.INTEGER, new byte[][] { bytes(this.keys.task(id)) }, this.ttlMillis, bytes(id),
				millis(at), bytes(TaskRevokedException.class.getName()), bytes("Revoked before it started"),
				this.maxHistoryArg));
		return revoked != null && revoked == 1L;
	}

	@Override
	public void delete(String id) {
		this.redis.execute((commands) -> commands.del(bytes(this.keys.task(id))));
	}

	@Override
	public CompletableFuture<TaskInfo> whenFinished(String id) {
		CompletableFuture<TaskInfo> future = new CompletableFuture<>();
		listen();
		this.waiting.computeIfAbsent(id, (key) -> new CopyOnWriteArrayList<>()).add(future);
		ScheduledFuture<?> poll = this.scheduler.scheduleWithFixedDelay(() -> check(id), this.pollInterval.toMillis(),
				this.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
		future.whenComplete((info, ex) -> {
			poll.cancel(false);
			this.waiting.computeIfPresent(id, (key, futures) -> {
				futures.remove(future);
				return futures.isEmpty() ? null : futures;
			});
		});
		this.redis
			.<List<Object>>submit((commands) -> RedisAsync.script(commands, WATCH, ScriptOutputType.MULTI,
					new byte[][] { bytes(this.keys.task(id)) }, bytes(this.channel)))
			.whenCompleteAsync((hash, ex) -> {
				if (ex != null) {
					logger.debug(ex, () -> "Could not watch task " + id + "; polling instead");
				}
				else {
					settle(id, (hash.isEmpty()) ? null : toInfo(id, fields(hash)));
				}
			}, this.scheduler);
		return future;
	}

	private static Map<String, String> fields(List<Object> flat) {
		Map<String, String> fields = new HashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			fields.put(string((byte[]) flat.get(i)), string((byte[]) flat.get(i + 1)));
		}
		return fields;
	}

	/**
	 * A finished task's id and state, as the script that finished it published them: a JSON
	 * array {@code [id, [field, value, ...]]}, so that no read is needed before waiters are told.
	 */
	private void notified(byte[] body) {
		String id = null;
		try {
			JsonNode message = NOTIFICATION_READER.readTree(body);
			id = message.get(0).stringValue();
			JsonNode flat = message.get(1);
			Map<String, String> fields = new HashMap<>();
			for (int i = 0; i + 1 < flat.size(); i += 2) {
				fields.put(flat.get(i).stringValue(), flat.get(i + 1).stringValue());
			}
			if (this.waiting.containsKey(id)) {
				settle(id, toInfo(id, fields));
			}
		}
		catch (RuntimeException ex) {
			if (id != null) {
				check(id);
			}
			else {
				logger.debug(ex, "Ignoring a notification that is not a task state");
			}
		}
	}

	private void check(String id) {
		if (!this.waiting.containsKey(id)) {
			return;
		}
		try {
			settle(id, find(id).orElse(null));
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not read state of task " + id + "; will check again");
		}
	}

	private void settle(String id, @Nullable TaskInfo info) {
		if (info != null && !info.isFinished()) {
			return;
		}
		List<CompletableFuture<TaskInfo>> futures = this.waiting.get(id);
		if (futures == null) {
			return;
		}
		for (CompletableFuture<TaskInfo> future : futures) {
			if (info == null) {
				future.completeExceptionally(new TaskNotFoundException(id));
			}
			else {
				future.complete(info);
			}
		}
	}

	private void listen() {
		if (this.listenerContainer != null) {
			return;
		}
		this.listenerLock.lock();
		try {
			if (this.listenerContainer == null) {
				RedisMessageListenerContainer container = new RedisMessageListenerContainer();
				container.setConnectionFactory(this.redis.getConnectionFactory());
				container.setTaskExecutor(new SyncTaskExecutor());
				container.afterPropertiesSet();
				// messages arrive on a Lettuce I/O thread, which must not wait for Redis itself
				container.addMessageListener(
						(message, pattern) -> this.scheduler.execute(() -> notified(message.getBody())),
						new ChannelTopic(this.channel));
				container.start();
				this.listenerContainer = container;
			}
		}
		catch (RuntimeException ex) {
			logger.debug(ex, "Could not subscribe to task notifications; waiting callers poll until it works");
		}
		finally {
			this.listenerLock.unlock();
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Close the notification subscription, before the connection factory stops.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.listenerLock.lock();
		try {
			if (this.listenerContainer != null) {
				try {
					this.listenerContainer.destroy();
				}
				catch (Exception ex) {
					logger.debug(ex, "Could not close the notification subscription");
				}
				this.listenerContainer = null;
			}
		}
		finally {
			this.listenerLock.unlock();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// stops after the consumer container, before the connection factory
		return Integer.MAX_VALUE - 200;
	}

	@Override
	public void destroy() {
		stop();
		this.scheduler.shutdownNow();
	}

}
