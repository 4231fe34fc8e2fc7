package io.gtask.backend.redis;

import java.time.Duration;
import java.util.UUID;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.ResultBackendContractTests;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.gtask.test.TestRedis;

/**
 * The result backend contract on Redis.
 */
class RedisResultBackendContractTests extends ResultBackendContractTests {

	@Override
	protected ResultBackend createBackend(Duration timeToLive, Duration pollInterval, int maxHistory) {
		RedisResultBackend backend = new RedisResultBackend(
				new RedisAsync(TestRedis.get().connectionFactory(), Duration.ofSeconds(5)),
				new RedisKeyspace("gtask-test-" + UUID.randomUUID().toString().substring(0, 8)), timeToLive,
				pollInterval);
		backend.setMaxHistory(maxHistory);
		backend.start();
		return backend;
	}

}
