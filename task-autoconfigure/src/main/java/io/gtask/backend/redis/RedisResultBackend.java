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
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRevokedException;
import io.gtask.core.TaskStatus;
import io.gtask.lifecycle.AbstractSmartLifecycle;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisBatch;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.log.LogAccessor;
import org.springframework.core.task.SyncTaskExecutor;
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
 * The start and end of an attempt, the writes nearly every task makes, are plain commands
 * written in one flush per batch ({@link RedisTaskStateWriter}); the rarer changes are a
 * script each. A finished task keeps its fields and no history text, as long as the fields tell
 * its history ({@link RedisTaskFields}). The time to live counts
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
public class RedisResultBackend extends AbstractSmartLifecycle implements ResultBackend, DisposableBean {

	private static final LogAccessor logger = new LogAccessor(RedisResultBackend.class);

	private static final byte[] ZERO = bytes("0");

	private static final JsonMapper NOTIFICATION_READER = JsonMapper.builder().build();

	private static final byte[] PENDING = bytes(TaskStatus.PENDING.name());

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

	private final Map<String, Map<String, String>> watched = new ConcurrentHashMap<>();

	private int maxHistory = TaskHistory.DEFAULT_MAX_HISTORY;

	private byte[] maxHistoryArg = bytes(Integer.toString(TaskHistory.DEFAULT_MAX_HISTORY));

	private RedisTaskStateWriter writer;

	/**
	 * Create a backend.
	 * @param redis the connection
	 * @param keys the keyspace
	 * @param timeToLive how long a task is kept after it ends (an unfinished task is kept until it ends)
	 * @param pollInterval how often waiting callers check the state in case a notification was
	 * lost
	 */
	public RedisResultBackend(RedisAsync redis, RedisKeyspace keys, Duration timeToLive, Duration pollInterval) {
		// stops after the consumer container, before the connection factory
		super(STORE_PHASE);
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
		this.writer = new RedisTaskStateWriter(redis, keys, timeToLive, this.maxHistory);
	}

	/**
	 * How long a task is kept after its last change.
	 * @return the time to live
	 */
	public Duration getTimeToLive() {
		return this.timeToLive;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * This backend is on the broker's Redis.
	 */
	@Override
	public boolean sharesStoreWithBroker() {
		return true;
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
		this.writer = new RedisTaskStateWriter(this.redis, this.keys, this.timeToLive, maxHistory);
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
				created.add(batch.script(RedisTaskScripts.CREATE, new byte[][] { bytes(this.keys.task(task.id())) }, createArgs(task)));
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
		List<byte[]> fields = new ArrayList<>(12);
		addFields(fields, task);
		CompletableFuture<Long> written = batch.hset(key, fields);
		CompletableFuture<Long> expiring = batch.pexpire(key, createdTimeToLive(task));
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
		List<byte[]> args = new ArrayList<>(13);
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
		// the history of a task just sent is told by its createdAt: no history text is stored
		pair(args, RedisTaskFields.NAME, bytes(task.name()));
		pair(args, RedisTaskFields.QUEUE, bytes(task.queue()));
		pair(args, RedisTaskFields.STATUS, PENDING);
		pair(args, RedisTaskFields.ATTEMPTS, ZERO);
		pair(args, RedisTaskFields.CREATED_AT, RedisTaskFields.millis(task.createdAt()));
		if (task.args() != null) {
			pair(args, RedisTaskFields.ARGS, bytes(task.args()));
		}
	}

	@Override
	public void update(List<TaskStateChange> changes) {
		this.writer.update(changes);
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
		return RedisTaskFields.toInfo(id, fields, this.maxHistory);
	}

	@Override
	public boolean revoke(String id, Instant at) {
		Long revoked = this.redis.execute((commands) -> RedisAsync.<Long>script(commands, RedisTaskScripts.REVOKE,
				ScriptOutputType.INTEGER, new byte[][] { bytes(this.keys.task(id)) }, this.ttlMillis, bytes(id),
				RedisTaskFields.millis(at), bytes(TaskRevokedException.class.getName()), bytes("Revoked before it started"),
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
				if (futures.isEmpty()) {
					this.watched.remove(id);
					return null;
				}
				return futures;
			});
		});
		this.redis
			.<List<Object>>submit((commands) -> RedisAsync.script(commands, RedisTaskScripts.WATCH, ScriptOutputType.MULTI,
					new byte[][] { bytes(this.keys.task(id)) }, bytes(this.channel)))
			.whenCompleteAsync((hash, ex) -> {
				if (ex != null) {
					logger.debug(ex, () -> "Could not watch task " + id + "; polling instead");
				}
				else if (hash.isEmpty()) {
					settle(id, null);
				}
				else {
					Map<String, String> fields = fields(hash);
					if (this.waiting.containsKey(id)) {
						this.watched.put(id, fields);
					}
					settle(id, toInfo(id, fields));
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
	 * A finished task's id and state, as the writer that finished it published them: a JSON
	 * array {@code [id, [field, value, ...]]} with all the fields of the task, or
	 * {@code [id, [field, value, ...], 0]} with the fields the change wrote, which complete the
	 * fields read when the wait began if nothing else happened to the task in between (it was
	 * sent and not yet started, and this is the end of its first attempt, started in the same
	 * write). Otherwise the task is read, so that no read is needed before most waiters are told.
	 */
	private void notified(byte[] body) {
		String id = null;
		try {
			JsonNode message = NOTIFICATION_READER.readTree(body);
			id = message.get(0).stringValue();
			if (!this.waiting.containsKey(id)) {
				return;
			}
			JsonNode flat = message.get(1);
			Map<String, String> fields = new HashMap<>();
			for (int i = 0; i + 1 < flat.size(); i += 2) {
				fields.put(flat.get(i).stringValue(), flat.get(i + 1).stringValue());
			}
			if (message.size() > 2 && message.get(2).asInt() != 0) {
				check(id);
				return;
			}
			if (message.size() > 2) {
				Map<String, String> merged = merge(this.watched.get(id), fields);
				if (merged == null) {
					check(id);
					return;
				}
				fields = merged;
			}
			settle(id, toInfo(id, fields));
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

	private static @Nullable Map<String, String> merge(@Nullable Map<String, String> watched,
			Map<String, String> written) {
		if (watched == null || !"PENDING".equals(watched.get("status")) || !"0".equals(watched.get("attempts"))
				|| watched.containsKey("history") || !"1".equals(written.get("attempts"))
				|| !written.containsKey("startedAt")) {
			return null;
		}
		Map<String, String> merged = new HashMap<>(watched);
		merged.putAll(written);
		return merged;
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
	protected void doStart() {
	}

	/**
	 * Close the notification subscription, before the connection factory stops.
	 */
	@Override
	protected void doStop() {
		closeListener();
	}

	private void closeListener() {
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
	public void destroy() {
		stop();
		closeListener();
		this.scheduler.shutdownNow();
	}

}
