package io.gtask.redis;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Listens to one Redis channel until closed, subscribing again by itself when it cannot at
 * first. Spring Data Redis's listener container (with Lettuce) restores a subscription whose
 * connection was lost, but one that could not be made when it started, because Redis was down
 * then, is never tried again: that is what this class adds.
 */
public final class RedisChannelListener implements AutoCloseable {

	private static final LogAccessor logger = new LogAccessor(RedisChannelListener.class);

	private final RedisConnectionFactory connectionFactory;

	private final String channel;

	private final String purpose;

	private final Consumer<byte[]> listener;

	private final Duration retryInterval;

	private final ReentrantLock lock = new ReentrantLock();

	private @Nullable RedisMessageListenerContainer container;

	private @Nullable ScheduledThreadPoolExecutor retries;

	private boolean closed;

	private boolean failing;

	private RedisChannelListener(RedisConnectionFactory connectionFactory, String channel, String purpose,
			Consumer<byte[]> listener, Duration retryInterval) {
		this.connectionFactory = connectionFactory;
		this.channel = channel;
		this.purpose = purpose;
		this.listener = listener;
		this.retryInterval = retryInterval;
	}

	/**
	 * Subscribe to a channel now if Redis answers, else as soon as it does.
	 * @param connectionFactory the connection factory
	 * @param channel the channel
	 * @param purpose what the messages are, for the log ("cancellation requests")
	 * @param listener called with the body of each message, on a Redis I/O thread
	 * @param retryInterval how often to try again while subscribing fails
	 * @return the listener, to close when done
	 */
	public static RedisChannelListener listen(RedisConnectionFactory connectionFactory, String channel, String purpose,
			Consumer<byte[]> listener, Duration retryInterval) {
		RedisChannelListener channelListener = new RedisChannelListener(connectionFactory, channel, purpose, listener,
				retryInterval);
		if (!channelListener.subscribe()) {
			channelListener.retry();
		}
		return channelListener;
	}

	/**
	 * Whether the subscription is made, for tests and health checks.
	 * @return {@code true} once subscribed
	 */
	public boolean isSubscribed() {
		this.lock.lock();
		try {
			return this.container != null;
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean subscribe() {
		this.lock.lock();
		try {
			if (this.closed || this.container != null) {
				return true;
			}
			RedisMessageListenerContainer container = new RedisMessageListenerContainer();
			container.setConnectionFactory(this.connectionFactory);
			container.setTaskExecutor(new SyncTaskExecutor());
			container.afterPropertiesSet();
			container.addMessageListener((message, pattern) -> this.listener.accept(message.getBody()),
					new ChannelTopic(this.channel));
			try {
				container.start();
			}
			catch (RuntimeException ex) {
				destroy(container);
				if (!this.failing) {
					this.failing = true;
					logger.warn(ex, () -> "Could not listen for " + this.purpose + " yet; trying again every "
							+ this.retryInterval.toMillis() + " ms until Redis answers");
				}
				return false;
			}
			this.container = container;
			if (this.failing) {
				this.failing = false;
				logger.info(() -> "Listening for " + this.purpose + " now");
			}
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void retry() {
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			CustomizableThreadFactory threads = new CustomizableThreadFactory("gtask-subscribe-");
			// never keeps the JVM alive: it only waits for Redis on behalf of its owner
			threads.setDaemon(true);
			ScheduledThreadPoolExecutor retries = new ScheduledThreadPoolExecutor(1, threads);
			long millis = this.retryInterval.toMillis();
			retries.scheduleWithFixedDelay(() -> {
				if (subscribe()) {
					retries.shutdown();
				}
			}, millis, millis, TimeUnit.MILLISECONDS);
			this.retries = retries;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Stop listening, and stop trying to.
	 */
	@Override
	public void close() {
		this.lock.lock();
		try {
			this.closed = true;
			if (this.retries != null) {
				this.retries.shutdownNow();
				this.retries = null;
			}
			if (this.container != null) {
				destroy(this.container);
				this.container = null;
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private static void destroy(RedisMessageListenerContainer container) {
		try {
			container.destroy();
		}
		catch (Exception ex) {
			logger.debug(ex, "Could not close a Redis subscription");
		}
	}

}
