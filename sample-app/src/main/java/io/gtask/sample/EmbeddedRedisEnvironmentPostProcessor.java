package io.gtask.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import redis.embedded.Redis;
import redis.embedded.RedisInstance;
import redis.embedded.RedisServer;

/**
 * Starts the redis-server binary shipped in the embedded-redis jar when the application
 * configures no Redis, so that the sample runs on a machine without one.
 * <p>
 * This runs before the application context exists, and therefore before Spring Boot creates
 * the Redis connection factory from {@code spring.data.redis.*}: it points those properties at
 * the embedded server. The server stops when the application context closes, after every bean
 * that could still talk to it is gone. Ahead-of-time processing of the application at build
 * time starts no server; the processed application starts one when it runs.
 */
public class EmbeddedRedisEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * Name of the property source that points {@code spring.data.redis.*} at the embedded
	 * server.
	 */
	public static final String PROPERTY_SOURCE_NAME = "embeddedRedis";

	/**
	 * Name of the {@link EmbeddedRedis} bean, present when the embedded server was started.
	 */
	public static final String EMBEDDED_REDIS_BEAN_NAME = "embeddedRedis";

	private static final String HOST = "127.0.0.1";

	// set while spring-boot-maven-plugin's process-aot runs the application to process it
	private static final String AOT_PROCESSING = "spring.aot.processing";

	// any of these names a Redis to connect to; everything else (timeouts, pools) is a tuning
	private static final List<ConfigurationPropertyName> CONNECTION_PROPERTIES = List.of(
			ConfigurationPropertyName.of("spring.data.redis.url"),
			ConfigurationPropertyName.of("spring.data.redis.host"),
			ConfigurationPropertyName.of("spring.data.redis.port"),
			ConfigurationPropertyName.of("spring.data.redis.sentinel"),
			ConfigurationPropertyName.of("spring.data.redis.cluster"));

	private final Log logger;

	public EmbeddedRedisEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(EmbeddedRedisEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		// after the config data (application.yml, command line) has been loaded
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (isRedisConfigured(environment) || Boolean.getBoolean(AOT_PROCESSING)) {
			// ahead-of-time processing only builds the bean definitions: it connects to nothing
			return;
		}
		int port = freePort();
		EmbeddedRedis redis = new EmbeddedRedis(start(port), port, this.logger);
		this.logger.info("No Redis configured (spring.data.redis.*): started an embedded Redis on " + HOST + ":"
				+ port + "; it stops with the application");
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME,
					Map.of("spring.data.redis.host", HOST, "spring.data.redis.port", port)));
		// Boot runs its shutdown handlers after it closed the contexts, so this stops the server
		// on JVM exit without pulling it from under beans that are still stopping
		SpringApplication.getShutdownHandlers().add(redis);
		application.addInitializers((context) -> {
			if (context.getBeanFactory() instanceof DefaultSingletonBeanRegistry registry) {
				// registered before any other bean, so destroyed after all of them
				registry.registerSingleton(EMBEDDED_REDIS_BEAN_NAME, redis);
				registry.registerDisposableBean(EMBEDDED_REDIS_BEAN_NAME, redis);
			}
		});
	}

	/**
	 * Whether the environment names a Redis to connect to.
	 * @param environment the environment
	 * @return {@code true} if any of the URL, host, port, sentinel or cluster properties is set
	 */
	static boolean isRedisConfigured(ConfigurableEnvironment environment) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			for (ConfigurationPropertyName name : CONNECTION_PROPERTIES) {
				if (source.getConfigurationProperty(name) != null
						|| source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
					return true;
				}
			}
		}
		return false;
	}

	private static EmbeddedRedisServer start(int port) {
		try {
			List<String> command = RedisServer.newRedisServer()
				.port(port)
				.bind(HOST)
				// a throwaway server: never write a dump file into the working directory
				.setting("save \"\"")
				.setting("appendonly no")
				.buildCommandArgs();
			EmbeddedRedisServer server = new EmbeddedRedisServer(port, command);
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No Redis is configured (spring.data.redis.*) and the embedded "
					+ "redis-server did not start on port " + port, ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free port for the embedded Redis", ex);
		}
	}

	/**
	 * The running embedded server, as a bean so that closing the context stops it.
	 */
	public static final class EmbeddedRedis implements DisposableBean, Runnable {

		private final EmbeddedRedisServer server;

		private final int port;

		private final Log logger;

		private final AtomicBoolean stopped = new AtomicBoolean();

		EmbeddedRedis(EmbeddedRedisServer server, int port, Log logger) {
			this.server = server;
			this.port = port;
			this.logger = logger;
		}

		/**
		 * The port the embedded server listens on.
		 * @return the port
		 */
		public int getPort() {
			return this.port;
		}

		@Override
		public void destroy() throws IOException {
			stop();
			try {
				SpringApplication.getShutdownHandlers().remove(this);
			}
			catch (IllegalStateException ex) {
				// the JVM is shutting down: the handler runs anyway and finds the server stopped
			}
		}

		@Override
		public void run() {
			try {
				stop();
			}
			catch (IOException ex) {
				this.logger.warn("Could not stop the embedded Redis on port " + this.port, ex);
			}
		}

		private void stop() throws IOException {
			if (this.stopped.compareAndSet(false, true)) {
				this.server.release();
				this.logger.info("Stopped the embedded Redis on port " + this.port);
			}
		}

	}

	/**
	 * The redis-server binary of the embedded-redis jar.
	 * <p>
	 * embedded-redis stops its server from a JVM shutdown hook of its own, which runs at the
	 * same time as Spring Boot's: left alone, it would pull Redis away while the task container
	 * is still stopping. Here that hook waits until the application released the server, which
	 * it does once its context has closed.
	 */
	static final class EmbeddedRedisServer extends RedisInstance {

		private static final Duration MAX_WAIT_FOR_RELEASE = Duration.ofMinutes(1);

		private final CountDownLatch released = new CountDownLatch(1);

		EmbeddedRedisServer(int port, List<String> command) {
			super(port, command, Redis.SERVER_READY_PATTERN, false, null, null);
		}

		@Override
		public void stop() throws IOException {
			try {
				this.released.await(MAX_WAIT_FOR_RELEASE.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			super.stop();
		}

		/**
		 * Stop the server now.
		 * @throws IOException if the server could not be stopped
		 */
		void release() throws IOException {
			this.released.countDown();
			stop();
		}

	}

}
