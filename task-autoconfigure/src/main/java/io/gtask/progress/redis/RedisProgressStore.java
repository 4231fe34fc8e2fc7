package io.gtask.progress.redis;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.gtask.core.TaskProgress;
import io.gtask.progress.ProgressCodec;
import io.gtask.progress.ProgressStore;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.SetArgs;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * Keeps each task's latest progress in {@code <prefix>:progress:<id>}, for as long as results
 * are kept, and publishes each new one on the channel of the same name. Followers share one
 * subscription connection, opened with the first and closed with this store; listeners are
 * called on one daemon thread, in the order the reports arrive.
 */
public final class RedisProgressStore implements ProgressStore, AutoCloseable {

	private static final LogAccessor logger = new LogAccessor(RedisProgressStore.class);

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final long timeToLiveMillis;

	private final ProgressCodec codec;

	private final ExecutorService listeners;

	private final Map<String, CopyOnWriteArrayList<Consumer<TaskProgress>>> followers = new ConcurrentHashMap<>();

	private final ReentrantLock lock = new ReentrantLock();

	private @Nullable RedisMessageListenerContainer container;

	/**
	 * Create a store.
	 * @param redis the connection
	 * @param keys the keyspace
	 * @param timeToLive how long a progress is kept after it was written
	 * @param codec writes and reads progress
	 */
	public RedisProgressStore(RedisAsync redis, RedisKeyspace keys, Duration timeToLive, ProgressCodec codec) {
		this.redis = redis;
		this.keys = keys;
		this.timeToLiveMillis = timeToLive.toMillis();
		this.codec = codec;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("gtask-progress-");
		threads.setDaemon(true);
		this.listeners = Executors.newSingleThreadExecutor(threads);
	}

	@Override
	public void write(String taskId, TaskProgress progress) {
		byte[] key = bytes(this.keys.progress(taskId));
		byte[] value = bytes(this.codec.write(taskId, progress));
		// one connection keeps the order: the value is set before it is published
		this.redis.execute((commands) -> {
			commands.set(key, value, SetArgs.Builder.px(this.timeToLiveMillis));
			return commands.publish(key, value);
		});
	}

	@Override
	public Optional<TaskProgress> read(String taskId) {
		byte[] key = bytes(this.keys.progress(taskId));
		try {
			byte[] value = this.redis.execute((commands) -> commands.get(key));
			return (value != null) ? this.codec.read(taskId, string(value)) : Optional.empty();
		}
		catch (RuntimeException ex) {
			if (String.valueOf(ex.getMessage()).contains("WRONGTYPE")
					|| (ex.getCause() != null && String.valueOf(ex.getCause().getMessage()).contains("WRONGTYPE"))) {
				return Optional.empty();
			}
			throw ex;
		}
	}

	@Override
	public AutoCloseable subscribe(String taskId, Consumer<TaskProgress> listener) {
		String channel = this.keys.progress(taskId);
		RedisMessageListenerContainer container = container();
		MessageListener messages = (message, pattern) -> this.codec.read(taskId, string(message.getBody()))
			.ifPresent((progress) -> this.listeners.execute(() -> notify(taskId, progress)));
		this.followers.computeIfAbsent(taskId, (id) -> new CopyOnWriteArrayList<>()).add(listener);
		container.addMessageListener(messages, new ChannelTopic(channel));
		// what was reported before the subscription
		this.listeners.execute(() -> {
			try {
				read(taskId).ifPresent((progress) -> listener.accept(progress));
			}
			catch (RuntimeException ex) {
				logger.debug(ex, () -> "Could not read the progress of task " + taskId);
			}
		});
		return () -> {
			container.removeMessageListener(messages, new ChannelTopic(channel));
			this.followers.computeIfPresent(taskId, (id, list) -> {
				list.remove(listener);
				return list.isEmpty() ? null : list;
			});
		};
	}

	private void notify(String taskId, TaskProgress progress) {
		for (Consumer<TaskProgress> listener : this.followers.getOrDefault(taskId, new CopyOnWriteArrayList<>())) {
			try {
				listener.accept(progress);
			}
			catch (RuntimeException ex) {
				logger.warn(ex, () -> "A listener of the progress of task " + taskId + " failed");
			}
		}
	}

	private RedisMessageListenerContainer container() {
		this.lock.lock();
		try {
			if (this.container == null) {
				RedisMessageListenerContainer container = new RedisMessageListenerContainer();
				container.setConnectionFactory(this.redis.getConnectionFactory());
				container.setTaskExecutor(new SyncTaskExecutor());
				container.afterPropertiesSet();
				container.start();
				this.container = container;
			}
			return this.container;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void close() {
		this.lock.lock();
		try {
			if (this.container != null) {
				try {
					this.container.destroy();
				}
				catch (Exception ex) {
					logger.debug(ex, "Could not close the progress subscription");
				}
				this.container = null;
			}
		}
		finally {
			this.lock.unlock();
		}
		this.listeners.shutdownNow();
	}

}
