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
 * The sample's dead letter API on a real Redis: a failed task shows up as a dead letter, can be
 * sent again, and a dead letter can be deleted.
 */
@SpringBootTest(properties = { "gtask.key-prefix=sample-test-dead-${random.uuid}", "gtask.task.max-retries=0",
		"gtask.worker.poll-timeout=200ms" })
@AutoConfigureMockMvc
@Import(RedisKeyCleanup.class)
class DeadLetterApiTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private MockMvcTester mvc;

	@Test
	void failedTaskIsListedSentAgainAndDeleted() {
		String failed = body(this.mvc.post()
			.uri("/tasks/fail")
			.contentType(MediaType.APPLICATION_JSON)
			.content("[\"broken\"]")
			.exchange()).get("id").asString();
		JsonNode list = await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/queues/default/dead-letters").exchange()),
					(page) -> page.get("count").asLong() >= 1);
		JsonNode letter = list.get("deadLetters").get(0);
		assertThat(letter.get("taskId").asString()).isEqualTo(failed);
		assertThat(letter.get("name").asString()).isEqualTo("fail");
		assertThat(letter.get("reason").asString()).isEqualTo("broken");
		assertThat(letter.get("errorType").asString()).isEqualTo(IllegalStateException.class.getName());
		String letterId = letter.get("id").asString();

		MvcTestResult requeued = this.mvc.post().uri("/queues/default/dead-letters/{id}/requeue", letterId).exchange();
		assertThat(requeued).hasStatus(HttpStatus.ACCEPTED);
		assertThat(body(requeued).get("id").asString()).isEqualTo(failed);
		// it fails again, so it comes back as a new dead letter
		JsonNode again = await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/queues/default/dead-letters").exchange()),
					(page) -> page.get("count").asLong() == 1
							&& !page.get("deadLetters").get(0).get("id").asString().equals(letterId));
		String secondId = again.get("deadLetters").get(0).get("id").asString();

		assertThat(this.mvc.delete().uri("/queues/default/dead-letters/{id}", secondId).exchange())
			.hasStatus(HttpStatus.NO_CONTENT);
		assertThat(this.mvc.delete().uri("/queues/default/dead-letters/{id}", secondId).exchange())
			.hasStatus(HttpStatus.NOT_FOUND);
		assertThat(this.mvc.post().uri("/queues/default/dead-letters/{id}/requeue", "no-such-letter").exchange())
			.hasStatus(HttpStatus.NOT_FOUND);
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
