package io.gtask.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;

/**
 * With {@code gtask.dashboard.redact-payloads=true}, the dashboard's API shows the arguments,
 * results and dead-letter messages of tasks, which may hold personal data, only to users with
 * the action role; a viewer sees them redacted, everything else as before.
 */
@SpringBootTest(properties = { "gtask.key-prefix=sample-test-redaction-${random.uuid}", "gtask.task.max-retries=0",
		"gtask.worker.poll-timeout=200ms", "gtask.dashboard.redact-payloads=true" })
@AutoConfigureMockMvc
@Import(RedisKeyCleanup.class)
class DashboardRedactionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String REDACTED = "(redacted)";

	private static final String PERSONAL = "jane.doe@example.com";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final RequestPostProcessor VIEWER = httpBasic("viewer", "viewer");

	private static final RequestPostProcessor ADMIN = httpBasic("admin", "admin");

	@Autowired
	private MockMvcTester mvc;

	@Test
	void argumentsAndResultOfATaskAreRedactedForAViewer() {
		String id = send("notify", "", "[\"" + PERSONAL + "\", \"your parcel\"]");
		JsonNode forAdmin = await().atMost(TIMEOUT)
			.until(() -> get("/gtask/api/tasks/" + id, ADMIN), (node) -> "SUCCESS".equals(node.get("status").asString()));
		assertThat(forAdmin.get("args").asString()).contains(PERSONAL);
		assertThat(forAdmin.get("result").asString()).contains(PERSONAL);
		JsonNode forViewer = get("/gtask/api/tasks/" + id, VIEWER);
		assertThat(forViewer.get("args").asString()).isEqualTo(REDACTED);
		assertThat(forViewer.get("result").asString()).isEqualTo(REDACTED);
		assertThat(forViewer.get("status").asString()).isEqualTo("SUCCESS");
		assertThat(forViewer.get("name").asString()).isEqualTo("notify");
		assertThat(forViewer.toString()).doesNotContain(PERSONAL);
	}

	@Test
	void recentTasksShowNoArgumentsToAViewerWhoCannotSearchThemEither() {
		String added = send("add", "", "[5050, 1]");
		await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get()
				.uri("/gtask/api/browse/recent?outcome=succeeded&queue=default&arg=5050")
				.with(ADMIN)
				.exchange()).get("tasks"), (tasks) -> tasks.size() == 1);
		JsonNode viewed = body(this.mvc.get()
			.uri("/gtask/api/browse/recent?outcome=succeeded&queue=default&name=add&arg=5050&limit=500")
			.with(VIEWER)
			.exchange());
		// the argument filter is dropped for a viewer: it would tell what the arguments hold
		assertThat(viewed.get("tasks").valueStream().map((task) -> task.get("id").asString())).contains(added);
		assertThat(viewed.get("tasks").valueStream().map((task) -> task.get("args").asString()))
			.containsOnly("(redacted)");
	}

	@Test
	void deadLetterMessagesAreRedactedForAViewer() {
		String id = send("fail", "", "[\"card of " + PERSONAL.replace('@', '#') + " declined\"]");
		JsonNode forAdmin = await().atMost(TIMEOUT)
			.until(() -> get("/gtask/api/queues/default/dead", ADMIN), (node) -> node.get("total").asLong() >= 1)
			.get("items")
			.get(0);
		assertThat(forAdmin.get("taskId").asString()).isEqualTo(id);
		assertThat(forAdmin.get("payload").asString()).contains("jane.doe#example.com");
		JsonNode forViewer = get("/gtask/api/queues/default/dead", VIEWER).get("items").get(0);
		assertThat(forViewer.get("taskId").asString()).isEqualTo(id);
		assertThat(forViewer.get("name").asString()).isEqualTo("fail");
		assertThat(forViewer.get("payload").asString()).isEqualTo(REDACTED);
	}

	@Test
	void waitingAndScheduledTasksShowNoArgumentsToAViewer() {
		send("notify", "queue=later&countdown=1h", "[\"" + PERSONAL + "\", \"later\"]");
		JsonNode scheduled = get("/gtask/api/queues/later/scheduled", VIEWER).get("items").get(0);
		assertThat(scheduled.get("args").asString()).isEqualTo(REDACTED);
		assertThat(get("/gtask/api/queues/later/scheduled", ADMIN).get("items").get(0).get("args").asString())
			.contains(PERSONAL);
		assertThat(this.mvc.post()
			.uri("/gtask/api/queues/held/pause")
			.with(ADMIN)
			.with(csrf())
			.header("X-GTask-Action", "dashboard")
			.exchange()).hasStatusOk();
		send("notify", "queue=held", "[\"" + PERSONAL + "\", \"held\"]");
		JsonNode forViewer = get("/gtask/api/queues/held", VIEWER);
		assertThat(forViewer.get("next").get("args").asString()).isEqualTo(REDACTED);
		assertThat(forViewer.get("last").get("args").asString()).isEqualTo(REDACTED);
		assertThat(get("/gtask/api/queues/held", ADMIN).get("next").get("args").asString()).contains(PERSONAL);
	}

	private JsonNode get(String uri, RequestPostProcessor user) {
		MvcTestResult result = this.mvc.get().uri(uri).with(user).exchange();
		assertThat(result).hasStatusOk();
		return body(result);
	}

	private String send(String task, String query, String args) {
		return body(this.mvc.post()
			.uri("/tasks/" + task + (query.isEmpty() ? "" : "?" + query))
			.contentType(MediaType.APPLICATION_JSON)
			.content(args)
			.exchange()).get("id").asString();
	}

	private static JsonNode body(MvcTestResult result) {
		try {
			return json.readTree(result.getResponse().getContentAsString(StandardCharsets.UTF_8));
		}
		catch (Exception ex) {
			throw new IllegalStateException("Response is not JSON", ex);
		}
	}

}
