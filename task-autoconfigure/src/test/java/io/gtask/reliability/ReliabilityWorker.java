package io.gtask.reliability;

import io.gtask.core.TaskHandler;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A worker application run as a separate JVM by {@link ReliabilitySuiteTests}, so that the
 * suite can kill it for real.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ReliabilityWorker {

	public static void main(String[] args) {
		SpringApplication.run(ReliabilityWorker.class, args);
	}

	@Bean
	Handlers handlers(StringRedisTemplate redis) {
		return new Handlers(redis);
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

}
