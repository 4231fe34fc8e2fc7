package io.gtask.sample;

import java.time.Duration;

import io.gtask.core.TaskClient;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * gtask's metrics as Prometheus scrapes them from the sample's actuator endpoint.
 */
@SpringBootTest(properties = { "gtask.key-prefix=sample-test-metrics-${random.uuid}",
		"gtask.worker.poll-timeout=200ms", "gtask.metrics.queue-refresh-interval=0s" })
@AutoConfigureMockMvc
@Import(RedisKeyCleanup.class)
class PrometheusEndpointTests {

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private TaskClient client;

	@Test
	void prometheusEndpointShowsTaskAndQueueMetrics() throws Exception {
		String id = this.client.send("add", 2, 3);
		assertThat(this.client.awaitCompletion(id, Duration.ofSeconds(20)).status()).isEqualTo(TaskStatus.SUCCESS);

		MvcTestResult result = this.mvc.get().uri("/actuator/prometheus").exchange();
		assertThat(result).hasStatus(HttpStatus.OK);
		// the sample's periodic schedule also runs 'add' every minute, so counts are not asserted
		String body = result.getResponse().getContentAsString();
		assertThat(body).contains("gtask_tasks_sent_total{origin=\"client\",queue=\"default\",task=\"add\"} ")
			.contains("gtask_tasks_started_total{queue=\"default\",task=\"add\"} ")
			.contains("gtask_tasks_completed_total{outcome=\"success\",queue=\"default\",task=\"add\"} ")
			.contains("gtask_tasks_execution_seconds_count{outcome=\"success\",queue=\"default\",task=\"add\"} ")
			.contains("gtask_tasks_wait_seconds_count{queue=\"default\",task=\"add\"} ")
			.contains("gtask_queue_pending{queue=\"default\"}")
			.contains("gtask_queue_dead{queue=\"reports\"}");
	}

	@Test
	void healthEndpointIsExposed() {
		assertThat(this.mvc.get().uri("/actuator/health").exchange()).hasStatus(HttpStatus.OK);
	}

}
