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
 * The sample's flows, batch and progress over HTTP, run by the worker on a real Redis.
 */
@SpringBootTest(properties = { "gtask.key-prefix=sample-test-flows-${random.uuid}", "gtask.worker.poll-timeout=200ms",
		"gtask.result.poll-interval=200ms" })
@AutoConfigureMockMvc
@Import(RedisKeyCleanup.class)
class WorkflowApiTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private MockMvcTester mvc;

	@Test
	void chainPassesEachSumOn() {
		String id = post("/flows/chain", "[1, 2]");
		JsonNode task = awaitFinished(id);
		assertThat(task.get("name").asString()).isEqualTo("gtask.chain");
		assertThat(task.get("result").asInt()).isEqualTo(113);
		JsonNode flow = get("/flows/" + id);
		assertThat(flow.get("kind").asString()).isEqualTo("chain");
		assertThat(flow.get("nodes")).hasSize(4);
	}

	@Test
	void groupListsItsSumsAndChordAddsThemUp() {
		assertThat(awaitFinished(post("/flows/group", "[[1, 2], [3, 4], [5, 6]]")).get("result").toString())
			.isEqualTo("[3,7,11]");
		assertThat(awaitFinished(post("/flows/chord", "[[1, 2], [3, 4], [5, 6]]")).get("result").asInt()).isEqualTo(21);
	}

	@Test
	void batchCountsItsSumsAndReportsOnce() {
		String id = post("/batches", "[[1, 2], [3, 4], [5, 6], [7, 8]]");
		assertThat(awaitFinished(id).get("status").asString()).isEqualTo("SUCCESS");
		JsonNode batch = get("/batches/" + id);
		assertThat(batch.get("total").asInt()).isEqualTo(4);
		assertThat(batch.get("succeeded").asInt()).isEqualTo(4);
		JsonNode report = awaitFinished(batch.get("onCompleteId").asString());
		assertThat(report.get("result").asString()).isEqualTo("batch " + id + ": 4 of 4 succeeded");
	}

	@Test
	void badFlowInputIsRefusedNamingIt() throws Exception {
		MvcTestResult result = this.mvc.post()
			.uri("/flows/chord")
			.contentType(MediaType.APPLICATION_JSON)
			.content("[[1, 2, 3]]")
			.exchange();
		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(result.getResponse().getContentAsString()).contains("two numbers");
	}

	@Test
	void crunchReportsProgress() {
		String id = this.mvc.post()
			.uri("/tasks/crunch")
			.contentType(MediaType.APPLICATION_JSON)
			.content("[5, 50]")
			.exchange()
			.getResponse()
			.getHeader("Location");
		String taskId = id.substring(id.lastIndexOf('/') + 1);
		JsonNode task = awaitFinished(taskId);
		assertThat(task.get("progress").get("fraction").asDouble()).isEqualTo(1.0);
		assertThat(task.get("progress").get("message").asString()).isEqualTo("chunk 5 of 5");
	}

	private String post(String uri, String body) {
		MvcTestResult result = this.mvc.post().uri(uri).contentType(MediaType.APPLICATION_JSON).content(body).exchange();
		assertThat(result).hasStatus(HttpStatus.ACCEPTED);
		return body(result).get("id").asString();
	}

	private JsonNode get(String uri) {
		MvcTestResult result = this.mvc.get().uri(uri).exchange();
		assertThat(result).hasStatusOk();
		return body(result);
	}

	private JsonNode awaitFinished(String id) {
		return await().atMost(TIMEOUT)
			.until(() -> get("/tasks/" + id), (task) -> task.get("status").asString().matches("SUCCESS|FAILURE"));
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
