package io.gtask.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's durable profile on a real Redis and an H2 database: a manual-commit task
 * committed later from another thread, and a finished task sent again by id.
 */
@SpringBootTest(properties = { "gtask.key-prefix=sample-test-durable-${random.uuid}",
		"spring.datasource.url=jdbc:h2:mem:durable-${random.uuid};DB_CLOSE_DELAY=-1",
		"gtask.worker.poll-timeout=200ms", "gtask.result.poll-interval=100ms" })
@ActiveProfiles("durable")
@AutoConfigureMockMvc
@Import(RedisKeyCleanup.class)
class DurableProfileTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private MockMvcTester mvc;

	@Test
	void approvalCommittedByItsHandlerLaterSucceedsWithTheCommittedResult() {
		String id = send("/tasks/approve", "[\"A-17\", \"approve\"]");
		JsonNode task = await().atMost(TIMEOUT).until(() -> get(id), (body) -> "SUCCESS".equals(body.get("status").asString()));
		assertThat(task.get("result").asString()).isEqualTo("approved A-17");
	}

	@Test
	void rejectedApprovalFails() {
		String id = send("/tasks/approve", "[\"A-18\", \"reject\"]");
		JsonNode task = await().atMost(TIMEOUT).until(() -> get(id), (body) -> "FAILURE".equals(body.get("status").asString()));
		assertThat(task.toString()).contains("order A-18 rejected");
	}

	@Test
	void finishedTaskIsSentAgainById() {
		String id = send("/tasks/add", "[2, 3]");
		await().atMost(TIMEOUT).until(() -> get(id), (body) -> "SUCCESS".equals(body.get("status").asString()));
		MvcTestResult repushed = this.mvc.post().uri("/tasks/" + id + "/repush").exchange();
		assertThat(repushed).hasStatus(202);
		await().atMost(TIMEOUT).until(() -> get(id), (body) -> "SUCCESS".equals(body.get("status").asString())
				&& body.get("attempts").asInt() == 1);
	}

	private String send(String uri, String args) {
		MvcTestResult result = this.mvc.post()
			.uri(uri)
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.content(args)
			.exchange();
		assertThat(result).hasStatus(202);
		return json.readTree(result.getResponse().getContentAsByteArray()).get("id").asString();
	}

	private JsonNode get(String id) {
		MvcTestResult result = this.mvc.get().uri("/tasks/" + id).exchange();
		assertThat(result).hasStatusOk();
		return json.readTree(result.getResponse().getContentAsByteArray());
	}

}
