package io.gtask.backend.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.gtask.redis.RedisAsync.bytes;

/**
 * The callers waiting for tasks of a {@link RedisResultBackend} to finish.
 * <p>
 * A caller that waits for a task adds this object's own notification channel to the task's
 * {@code waiters} field, in the same script that reads the task ({@code watch.lua}); the writer
 * that finishes the task publishes its state on each of those channels. The channel is
 * subscribed to once, when the first caller waits, so waiting costs one round trip and no
 * subscription per task. A notification that carries only the fields its change wrote is merged
 * with the fields the script read; when they do not tell the whole state, the task is read.
 * Each waiting caller also polls the task every poll interval, which covers notifications lost
 * on a reconnect or a subscription that could not be made.
 * <p>
 * Notifications and polls are handled on daemon threads named {@code gtask-result-}, never on
 * a Redis I/O thread.
 */
final class RedisCompletionWaiters implements AutoCloseable {

	private static final LogAccessor logger = new LogAccessor(RedisCompletionWaiters.class);

	private static final JsonMapper NOTIFICATION_READER = JsonMapper.builder().build();

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final RedisTaskReader reader;

	private final Duration pollInterval;

	private final ScheduledExecutorService scheduler;

	private final String channel;

	private final Map<String, List<CompletableFuture<TaskInfo>>> waiting = new ConcurrentHashMap<>();

	private final Map<String, Map<String, String>> watched = new ConcurrentHashMap<>();

	private final ReentrantLock listenerLock = new ReentrantLock();

	private @Nullable RedisMessageListenerContainer listenerContainer;

	/**
	 * Create the waiters of a backend.
	 * @param redis the connection
	 * @param keys the keyspace
	 * @param reader reads a task when a notification does not tell its state
	 * @param pollInterval how often waiting callers check the state in case a notification was
	 * lost
	 */
	RedisCompletionWaiters(RedisAsync redis, RedisKeyspace keys, RedisTaskReader reader, Duration pollInterval) {
		this.redis = redis;
		this.keys = keys;
		this.reader = reader;
		this.pollInterval = pollInterval;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("gtask-result-");
		// waiting for results must not keep the JVM of a client alive once its work is done
		threads.setDaemon(true);
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, threads);
		scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler = scheduler;
		this.channel = keys.notifyChannel(UUID.randomUUID().toString());
	}

	/**
	 * Wait for a task to finish.
	 * @param id the task's id
	 * @return completed with the task's final state, or failed with a
	 * {@link TaskNotFoundException} when the task is unknown
	 */
	CompletableFuture<TaskInfo> whenFinished(String id) {
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
					Map<String, String> fields = RedisTaskReader.fields(hash);
					if (this.waiting.containsKey(id)) {
						this.watched.put(id, fields);
					}
					settle(id, this.reader.toInfo(id, fields));
				}
			}, this.scheduler);
		return future;
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
			settle(id, this.reader.toInfo(id, fields));
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
			settle(id, this.reader.find(id).orElse(null));
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

	/**
	 * Close the notification subscription; the next caller that waits subscribes again.
	 * Waiting callers go on polling.
	 */
	void unsubscribe() {
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

	/**
	 * Close the subscription and stop the threads.
	 */
	@Override
	public void close() {
		unsubscribe();
		this.scheduler.shutdownNow();
	}

}
