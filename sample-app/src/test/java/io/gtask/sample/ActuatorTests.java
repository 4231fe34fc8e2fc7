package io.gtask.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's actuator on a real Redis: health shows the gtask indicator, and the gtask
 * endpoint lists queues and workers, shows a task, pauses and resumes a queue.
 */
@SpringBootTest(properties = { "gtask.key-prefix=sample-test-actuator-${random.uuid}",
		"gtask.worker.poll-timeout=200ms" })
@AutoConfigureMockMvc
@Import(RedisKeyCleanup.class)
class ActuatorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private MockMvcTester mvc;

	@Test
	void healthIncludesTheGTaskIndicatorWithQueueCountsAndTheWorker() {
		JsonNode gtask = body(this.mvc.get().uri("/actuator/health").exchange()).get("components").get("gtask");
		assertThat(gtask.get("status").asString()).isEqualTo("UP");
		assertThat(gtask.get("details").get("queues").get("default").get("pending").isNumber()).isTrue();
		assertThat(gtask.get("details").get("worker").get("running").asBoolean()).isTrue();
	}

	@Test
	void endpointListsQueuesAndThisWorker() {
		JsonNode overview = await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/actuator/gtask").exchange()), (node) -> !node.get("workers").isEmpty());
		assertThat(overview.get("queues").has("default")).isTrue();
		JsonNode worker = overview.get("workers").get(0);
		assertThat(worker.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
		assertThat(worker.get("concurrency").asInt()).isEqualTo(16);
	}

	@Test
	void endpointShowsTasksAndPausesAndResumesQueues() {
		String id = body(this.mvc.post()
			.uri("/tasks/add")
			.contentType(MediaType.APPLICATION_JSON)
			.content("[2, 3]")
			.exchange()).get("id").asString();
		JsonNode task = await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/actuator/gtask/tasks/{id}", id).exchange()),
					(node) -> "SUCCESS".equals(node.get("status").asString()));
		assertThat(task.get("result").asString()).isEqualTo("5");
		assertThat(this.mvc.get().uri("/actuator/gtask/tasks/{id}", "no-such-task").exchange())
			.hasStatus(HttpStatus.NOT_FOUND);

		assertThat(body(this.mvc.post().uri("/actuator/gtask/queues/reports/pause").exchange()).get("paused").asBoolean())
			.isTrue();
		assertThat(body(this.mvc.get().uri("/actuator/gtask/queues/reports").exchange()).get("paused").asBoolean())
			.isTrue();
		assertThat(body(this.mvc.post().uri("/actuator/gtask/queues/reports/resume").exchange()).get("paused").asBoolean())
			.isFalse();
		assertThat(this.mvc.post().uri("/actuator/gtask/queues/reports/drop").exchange())
			.hasStatus(HttpStatus.BAD_REQUEST);

		JsonNode dead = body(this.mvc.get().uri("/actuator/gtask/queues/default/dead?limit=5").exchange());
		assertThat(dead.get("limit").asInt()).isEqualTo(5);
		assertThat(dead.get("deadLetters").isArray()).isTrue();
	}

	private static JsonNode body(MvcTestResult result) {
		try {
			return json.readTree(result.getResponse().getContentAsString());
		}
		catch (Exception ex) {
			throw new IllegalStateException("Response is not JSON", ex);
		}
	}

}
