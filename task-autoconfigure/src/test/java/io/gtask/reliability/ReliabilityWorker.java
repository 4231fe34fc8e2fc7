package io.gtask.reliability;

import io.gtask.core.TaskHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A worker application run as a separate JVM by {@link ReliabilitySuiteTests}, so that the
 * suite can kill it for real.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ReliabilityWorker {

	/**
	 * The line a worker logs when its graceful shutdown starts; nothing may be logged at WARN or
	 * ERROR after it.
	 */
	static final String SHUTDOWN_STARTED = "Graceful shutdown of the worker started";

	public static void main(String[] args) {
		SpringApplication.run(ReliabilityWorker.class, args);
	}

	@Bean
	Handlers handlers(StringRedisTemplate redis) {
		return new Handlers(redis);
	}

	@Bean
	RunLog runLog(@Value("${chaos.log-url:}") String url, @Value("${chaos.log-key:}") String key,
			@Value("${chaos.worker:0}") int worker) {
		return new RunLog(url, key, worker);
	}

	@Bean
	ApplicationListener<ContextClosedEvent> shutdownMarker() {
		return (event) -> LogFactory.getLog(ReliabilityWorker.class).info(SHUTDOWN_STARTED);
	}

	/**
	 * The suite's task: it counts its runs in Redis, so that the suite can tell which tasks ran
	 * more than once, and returns a value the suite can check.
	 */
	public static class Handlers {

		private final StringRedisTemplate redis;

		Handlers(StringRedisTemplate redis) {
			this.redis = redis;
		}

		@TaskHandler(value = "work", maxRetries = 50, backoff = "100ms")
		long work(String runsKey, long n, long sleepMillis) throws InterruptedException {
			Thread.sleep(sleepMillis);
			this.redis.opsForHash().increment(runsKey, Long.toString(n), 1);
			return n * 2;
		}

		@TaskHandler(value = "exclusiveWork", concurrency = 1, maxRetries = 5)
		long exclusiveWork(String startsKey, long n, long firstRunMillis) throws InterruptedException {
			// only the first start takes long, so that a run taken over after a crash finishes at once
			if (this.redis.opsForHash().increment(startsKey, Long.toString(n), 1) == 1) {
				Thread.sleep(firstRunMillis);
			}
			return n;
		}

	}

	/**
	 * Writes the start and the end of every run of the chaos task to a Redis other than the one
	 * under test, so that the suite can read what ran where whatever happens to that one.
	 */
	public static class RunLog implements AutoCloseable {

		private final String key;

		private final int worker;

		private final RedisClient client;

		private final StatefulRedisConnection<String, String> connection;

		RunLog(String url, String key, int worker) {
			this.key = key;
			this.worker = worker;
			this.client = url.isEmpty() ? null : RedisClient.create(url);
			this.connection = (this.client != null) ? this.client.connect() : null;
		}

		@TaskHandler(value = "chaos", maxRetries = 1000, backoff = "50ms")
		long chaos(long n, long sleepMillis) throws InterruptedException {
			this.connection.sync().rpush(this.key, n + " s " + this.worker + " " + System.currentTimeMillis());
			Thread.sleep(sleepMillis);
			this.connection.sync().rpush(this.key, n + " e " + this.worker + " " + System.currentTimeMillis());
			return n * 2;
		}

		/**
		 * A member of a flow of the flow chaos test: logs its run as step {@code n}.
		 */
		@TaskHandler(value = "flowMember", maxRetries = 1000, backoff = "50ms")
		long flowMember(long n, long sleepMillis) throws InterruptedException {
			return logged(n, sleepMillis, n);
		}

		/**
		 * A link of a chain of the flow chaos test: the result of the link before, plus one.
		 */
		@TaskHandler(value = "flowLink", maxRetries = 1000, backoff = "50ms")
		long flowLink(long input, long n, long sleepMillis) throws InterruptedException {
			return logged(n, sleepMillis, input + 1);
		}

		/**
		 * The callback of a chord of the flow chaos test: the sum of the members' results.
		 */
		@TaskHandler(value = "flowCallback", maxRetries = 1000, backoff = "50ms")
		long flowCallback(java.util.List<Long> results, long n, long sleepMillis) throws InterruptedException {
			return logged(n, sleepMillis, results.stream().mapToLong(Long::longValue).sum());
		}

		/**
		 * The callback of a batch of the flow chaos test.
		 */
		@TaskHandler(value = "batchCallback", maxRetries = 1000, backoff = "50ms")
		long batchCallback(String batchId, long n, long sleepMillis) throws InterruptedException {
			return logged(n, sleepMillis, n);
		}

		private long logged(long n, long sleepMillis, long result) throws InterruptedException {
			this.connection.sync().rpush(this.key, n + " s " + this.worker + " " + System.currentTimeMillis());
			Thread.sleep(sleepMillis);
			this.connection.sync().rpush(this.key, n + " e " + this.worker + " " + System.currentTimeMillis());
			return result;
		}

		@Override
		public void close() {
			if (this.client != null) {
				this.connection.close();
				this.client.shutdown();
			}
		}

	}

}
