package io.gtask.sample;

import io.gtask.core.TaskStatus;
import io.gtask.testing.AutoConfigureInProcessTasks;
import io.gtask.testing.InProcessTasks;
import io.gtask.testing.SentTask;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's HTTP API with its tasks run in the test's own JVM, without Redis: how an
 * application tests the code that sends tasks and its handlers ({@code docs/testing.md}).
 */
@SpringBootTest
@AutoConfigureMockMvc
@AutoConfigureInProcessTasks
class InProcessTaskTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private InProcessTasks tasks;

	@BeforeEach
	void reset() {
		this.tasks.reset();
	}

	@Test
	void taskSentOverHttpIsRecordedThenRunOnDrainAndReadBack() {
		MvcTestResult sent = this.mvc.post()
			.uri("/tasks/{name}", "add")
			.contentType(MediaType.APPLICATION_JSON)
			.content("[2, 3]")
			.exchange();
		assertThat(sent).hasStatus(HttpStatus.ACCEPTED);
		String id = json.readTree(sent.getResponse().getContentAsByteArray()).get("id").asString();

		assertThat(this.tasks.sent()).singleElement().satisfies((task) -> {
			assertThat(task.id()).isEqualTo(id);
			assertThat(task.name()).isEqualTo("add");
			// as the controller passed them, JSON values of the request body
			assertThat(task.args()).extracting(String::valueOf).containsExactly("2", "3");
		});
		assertThat(this.tasks.status(id)).isEqualTo(TaskStatus.PENDING);
		assertThat(this.tasks.drain()).isEqualTo(1);

		MvcTestResult read = this.mvc.get().uri("/tasks/{id}", id).exchange();
		assertThat(read).hasStatusOk();
		JsonNode task = json.readTree(read.getResponse().getContentAsByteArray());
		assertThat(task.get("status").asString()).isEqualTo("SUCCESS");
		assertThat(task.get("result").asInt()).isEqualTo(5);
	}

	@Test
	void failingHandlerEndsAsFailureWithItsMessage() {
		String id = this.tasks.send(io.gtask.core.TaskRequest.of("fail").args("boom").maxRetries(0).build());
		this.tasks.drain();
		assertThat(this.tasks.info(id).status()).isEqualTo(TaskStatus.FAILURE);
		assertThat(this.tasks.info(id).error().message()).isEqualTo("boom");
		assertThat(this.tasks.sent()).extracting(SentTask::name).containsExactly("fail");
	}

}
