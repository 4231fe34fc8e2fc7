package io.gtask.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's HTTP API end to end: tasks are sent over HTTP, run by the worker on a real
 * Redis, and read back over HTTP.
 */
@SpringBootTest(properties = { "gtask.key-prefix=sample-test-api-${random.uuid}", "gtask.task.max-retries=1",
		"gtask.task.backoff.initial-interval=50ms", "gtask.task.backoff.jitter=10ms",
		"gtask.worker.poll-timeout=200ms", "gtask.result.poll-interval=200ms", "gtask.result.ttl=10m",
		"gtask.message.max-payload-size=4KB" })
@AutoConfigureMockMvc
@Import(RedisKeyCleanup.class)
class TaskApiTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper json = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	@Autowired
	private MockMvcTester mvc;

	@Test
	void addTaskSucceedsWithTheSum() {
		MvcTestResult sent = post("add", "[2, 3]");
		assertThat(sent).hasStatus(HttpStatus.ACCEPTED);
		String id = body(sent).get("id").asString();
		assertThat(sent.getResponse().getHeader(HttpHeaders.LOCATION)).endsWith("/tasks/" + id);

		JsonNode task = awaitFinished(id);
		assertThat(task.get("id").asString()).isEqualTo(id);
		assertThat(task.get("name").asString()).isEqualTo("add");
		assertThat(task.get("status").asString()).isEqualTo("SUCCESS");
		assertThat(task.get("result").asInt()).isEqualTo(5);
		assertThat(task.get("error").isNull()).isTrue();
		assertThat(task.get("attempts").asInt()).isEqualTo(1);
	}

	@Test
	void failingTaskIsRetriedThenFailsWithItsMessage() {
		String id = send("fail", "[\"boom\"]");

		JsonNode task = awaitFinished(id);
		assertThat(task.get("status").asString()).isEqualTo("FAILURE");
		assertThat(task.get("result").isNull()).isTrue();
		assertThat(task.get("error").get("type").asString()).isEqualTo(IllegalStateException.class.getName());
		assertThat(task.get("error").get("message").asString()).isEqualTo("boom");
		// the first attempt and the one retry gtask.task.max-retries allows
		assertThat(task.get("attempts").asInt()).isEqualTo(2);
	}

	@Test
	void retriesChosenAtSendOverrideTheDefault() {
		String id = sendWithQuery("fail", "maxRetries=0", "[\"at once\"]");

		JsonNode task = awaitFinished(id);
		assertThat(task.get("status").asString()).isEqualTo("FAILURE");
		assertThat(task.get("attempts").asInt()).isEqualTo(1);
	}

	@Test
	void invoiceTaskBindsARecordAndReturnsARecord() {
		String id = send("invoice", """
				[{"number": "INV-7", "customer": "ACME", "issued": "2026-01-15",
				  "lines": [{"sku": "A-1", "quantity": 2, "unitPrice": 12.50},
				            {"sku": "B-2", "quantity": 1, "unitPrice": 5}]}]
				""");

		JsonNode task = awaitFinished(id);
		assertThat(task.get("status").asString()).isEqualTo("SUCCESS");
		JsonNode total = task.get("result");
		assertThat(total.get("number").asString()).isEqualTo("INV-7");
		assertThat(total.get("customer").asString()).isEqualTo("ACME");
		assertThat(total.get("items").asInt()).isEqualTo(3);
		assertThat(total.get("net").decimalValue()).isEqualTo(new BigDecimal("30.00"));
		assertThat(total.get("tax").decimalValue()).isEqualTo(new BigDecimal("6.00"));
		assertThat(total.get("gross").decimalValue()).isEqualTo(new BigDecimal("36.00"));
		assertThat(total.get("due").asString()).isEqualTo("2026-02-14");
	}

	@Test
	void invalidInvoiceFailsWithoutRetryBecauseOfNoRetryFor() {
		String id = send("invoice", """
				[{"number": "INV-8", "customer": "ACME", "issued": "2026-01-15", "lines": []}]
				""");

		JsonNode task = awaitFinished(id);
		assertThat(task.get("status").asString()).isEqualTo("FAILURE");
		assertThat(task.get("error").get("type").asString()).isEqualTo(IllegalArgumentException.class.getName());
		assertThat(task.get("error").get("message").asString()).isEqualTo("Invoice INV-8 has no lines");
		assertThat(task.get("attempts").asInt()).isEqualTo(1);
	}

	@Test
	void argumentsThatDoNotBindFailTheTaskWithTheReason() {
		String id = send("add", "[\"two\", 3]");

		JsonNode task = awaitFinished(id);
		assertThat(task.get("status").asString()).isEqualTo("FAILURE");
		assertThat(task.get("error").get("type").asString()).isEqualTo("io.gtask.core.ArgumentBindingException");
		assertThat(task.get("error").get("message").asString()).contains("Argument 1", "'add'");
	}

	@Test
	void taskWithoutHandlerFailsAsUnknown() {
		String id = send("no-such-task", "[]");

		JsonNode task = awaitFinished(id);
		assertThat(task.get("status").asString()).isEqualTo("FAILURE");
		assertThat(task.get("error").get("type").asString()).isEqualTo("io.gtask.core.UnknownTaskException");
	}

	@Test
	void handlerSeesItsTaskContext() {
		String id = send("hash", "[\"hello\", 1000]");

		JsonNode task = awaitFinished(id);
		assertThat(task.get("status").asString()).isEqualTo("SUCCESS");
		assertThat(task.get("result").get("taskId").asString()).isEqualTo(id);
		assertThat(task.get("result").get("attempt").asInt()).isEqualTo(1);
		assertThat(task.get("result").get("sha256").asString()).hasSize(64);
	}

	@Test
	void listArgumentIsBound() {
		String id = send("sum", "[[1, 2, 3, 4]]");

		assertThat(awaitFinished(id).get("result").asLong()).isEqualTo(10);
	}

	@Test
	void countdownKeepsTheTaskPendingUntilItIsDue() {
		String id = sendWithQuery("add", "countdown=2s", "[1, 1]");

		assertThat(task(id).get("status").asString()).isEqualTo("PENDING");
		JsonNode task = awaitFinished(id);
		assertThat(task.get("status").asString()).isEqualTo("SUCCESS");
		assertThat(task.get("result").asInt()).isEqualTo(2);
	}

	@Test
	void getWithWaitAnswersOnceTheTaskFinished() {
		String id = send("sleep", "[300]");

		MvcTestResult result = this.mvc.get().uri("/tasks/{id}?wait=10s", id).exchange();
		assertThat(result).hasStatusOk();
		assertThat(body(result).get("status").asString()).isEqualTo("SUCCESS");
		assertThat(body(result).get("result").asLong()).isEqualTo(300);
	}

	@Test
	void chosenIdIsUsedAndCannotBeReused() {
		String chosen = "order-" + UUID.randomUUID();
		assertThat(sendWithQuery("add", "id=" + chosen, "[1, 2]")).isEqualTo(chosen);

		MvcTestResult again = this.mvc.post()
			.uri("/tasks/add?id={id}", chosen)
			.contentType(MediaType.APPLICATION_JSON)
			.content("[1, 2]")
			.exchange();
		assertThat(again).hasStatus(HttpStatus.CONFLICT);
		assertThat(body(again).get("detail").asString()).contains(chosen);
		assertThat(body(again).get("existingId").asString()).isEqualTo(chosen);
		// or answered with the task that has the id, sending nothing
		assertThat(sendWithQuery("add", "id=" + chosen + "&onDuplicate=RETURN_EXISTING", "[1, 2]")).isEqualTo(chosen);
	}

	@Test
	void unknownIdIsNotFoundAndNamed() {
		String id = "no-such-id-" + UUID.randomUUID();

		MvcTestResult result = this.mvc.get().uri("/tasks/{id}", id).exchange();
		assertThat(result).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(body(result).get("id").asString()).isEqualTo(id);
		assertThat(body(result).get("detail").asString()).contains(id);
	}

	@Test
	void bodyThatIsNotAnArrayIsABadRequest() {
		MvcTestResult result = post("add", "{\"a\": 2, \"b\": 3}");

		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(result).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(body(result).get("detail").asString()).contains("JSON array");
	}

	@Test
	void bodyThatIsNotJsonIsABadRequestWithoutStackTrace() {
		MvcTestResult result = post("add", "2, 3");

		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(result).bodyText().doesNotContain("Exception", "\tat ");
	}

	@Test
	void invalidOptionIsABadRequest() {
		MvcTestResult result = this.mvc.post()
			.uri("/tasks/add?countdown=soon")
			.contentType(MediaType.APPLICATION_JSON)
			.content("[1, 2]")
			.exchange();

		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST);
	}

	@Test
	void argumentsOverThePayloadLimitAreRefused() {
		MvcTestResult result = post("fail", "[\"" + "x".repeat(5000) + "\"]");

		assertThat(result).hasStatus(HttpStatus.CONTENT_TOO_LARGE);
		assertThat(body(result).get("detail").asString()).contains("gtask.message.max-payload-size");
	}

	private String send(String name, String body) {
		MvcTestResult result = post(name, body);
		assertThat(result).hasStatus(HttpStatus.ACCEPTED);
		return body(result).get("id").asString();
	}

	private String sendWithQuery(String name, String query, String body) {
		MvcTestResult result = this.mvc.post()
			.uri("/tasks/" + name + "?" + query)
			.contentType(MediaType.APPLICATION_JSON)
			.content(body)
			.exchange();
		assertThat(result).hasStatus(HttpStatus.ACCEPTED);
		return body(result).get("id").asString();
	}

	private MvcTestResult post(String name, String body) {
		return this.mvc.post()
			.uri("/tasks/{name}", name)
			.contentType(MediaType.APPLICATION_JSON)
			.content(body)
			.exchange();
	}

	private JsonNode task(String id) {
		MvcTestResult result = this.mvc.get().uri("/tasks/{id}", id).exchange();
		assertThat(result).hasStatusOk();
		return body(result);
	}

	private JsonNode awaitFinished(String id) {
		return await().atMost(TIMEOUT)
			.until(() -> task(id), (task) -> task.get("status").asString().matches("SUCCESS|FAILURE"));
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
