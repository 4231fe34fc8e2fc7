package io.gtask.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's periodic tasks on a real Redis: the heartbeat, here every second, runs by
 * itself, and {@code GET /periodic} shows it and the schedule from {@code application.yml}.
 */
@SpringBootTest(properties = { "gtask.key-prefix=sample-test-periodic-${random.uuid}",
		"sample.heartbeat.cron=* * * * * *", "gtask.worker.poll-timeout=200ms" })
@AutoConfigureMockMvc
@Import(RedisKeyCleanup.class)
class PeriodicApiTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private MockMvcTester mvc;

	@Test
	void heartbeatRunsOnItsScheduleAndIsShownWithTheConfiguredSchedule() {
		JsonNode periodic = await().atMost(TIMEOUT).until(this::periodic, (body) -> {
			JsonNode heartbeat = schedule(body, "heartbeat");
			return body.get("heartbeatsRunHere").asLong() >= 1 && heartbeat != null
					&& "SUCCESS".equals(heartbeat.path("lastTaskStatus").asString(""));
		});
		JsonNode heartbeat = schedule(periodic, "heartbeat");
		assertThat(heartbeat.get("task").asString()).isEqualTo("heartbeat");
		assertThat(heartbeat.get("cron").asString()).isEqualTo("* * * * * *");
		assertThat(heartbeat.get("zone").asString()).isEqualTo("UTC");
		assertThat(heartbeat.get("lastTaskId").asString()).startsWith("heartbeat@");
		assertThat(heartbeat.get("lastTaskResult").asString()).contains("\"taskId\":\"heartbeat@");
		assertThat(periodic.get("lastHeartbeatHere").get("taskId").asString()).startsWith("heartbeat@");
		JsonNode answer = schedule(periodic, "answer");
		assertThat(answer.get("task").asString()).isEqualTo("add");
		assertThat(answer.get("cron").asString()).isEqualTo("0 * * * * *");
		assertThat(answer.get("queue").asString()).isEqualTo("default");
		assertThat(answer.get("missedTicks").asString()).isEqualTo("SKIP");
		assertThat(answer.get("nextTick").asString()).endsWith(":00Z");
	}

	private JsonNode periodic() {
		MvcTestResult result = this.mvc.get().uri("/periodic").exchange();
		assertThat(result).hasStatusOk();
		return json.readTree(result.getResponse().getContentAsByteArray());
	}

	private static JsonNode schedule(JsonNode body, String id) {
		for (JsonNode schedule : body.get("schedules")) {
			if (schedule.get("id").asString().equals(id)) {
				return schedule;
			}
		}
		return null;
	}

}
