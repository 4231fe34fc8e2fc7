package io.gtask.sample;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP API when Redis does not answer: a clear 503, never a stack trace. The instance is a
 * producer only, so no worker keeps trying to fetch in the background.
 */
@SpringBootTest(properties = { "spring.data.redis.host=127.0.0.1", "spring.data.redis.connect-timeout=1s",
		"gtask.redis.timeout=2s", "gtask.worker.enabled=false", "gtask.key-prefix=sample-test-down" })
@AutoConfigureMockMvc
class RedisUnavailableTests {

	@Autowired
	private MockMvcTester mvc;

	// the host above is a constant so that no Redis is started or chosen for this context; the
	// port nothing listens on is only known at run time
	@DynamicPropertySource
	static void redisPort(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", TestRedis::freePort);
	}

	@Test
	void sendingIsRefusedAsServiceUnavailable() {
		MvcTestResult result = this.mvc.post()
			.uri("/tasks/add")
			.contentType(MediaType.APPLICATION_JSON)
			.content("[2, 3]")
			.exchange();

		assertThat(result).hasStatus(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyText().contains("Redis is unavailable").doesNotContain("\tat ");
	}

	@Test
	void readingIsRefusedAsServiceUnavailable() {
		MvcTestResult result = this.mvc.get().uri("/tasks/{id}", "any-id").exchange();

		assertThat(result).hasStatus(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(result).bodyText().contains("Redis is unavailable").doesNotContain("\tat ");
	}

}
