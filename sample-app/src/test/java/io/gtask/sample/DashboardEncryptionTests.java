package io.gtask.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.redis.RedisKeyspace;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;

/**
 * With {@code gtask.encryption.enabled=true}, Redis holds the arguments and results of tasks as
 * ciphertext; the dashboard shows them decrypted to users with the action role and redacted to
 * viewers, without {@code gtask.dashboard.redact-payloads}.
 */
@SpringBootTest(properties = { "gtask.key-prefix=sample-test-encryption-${random.uuid}", "gtask.task.max-retries=0",
		"gtask.worker.poll-timeout=200ms", "gtask.encryption.enabled=true", "gtask.encryption.current-key=test1",
		"gtask.encryption.keys.test1=LW0uqqbji+gX/JdrTUwKtQpSYFVnGZjM5kWYWG+HP2g=" })
@AutoConfigureMockMvc
@Import(RedisKeyCleanup.class)
class DashboardEncryptionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String REDACTED = "(redacted)";

	private static final String PERSONAL = "jane.doe@example.com";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final RequestPostProcessor VIEWER = httpBasic("viewer", "viewer");

	private static final RequestPostProcessor ADMIN = httpBasic("admin", "admin");

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private GTaskProperties properties;

	@Test
	void adminSeesArgumentsAndResultDecryptedViewerSeesThemRedactedRedisHoldsCiphertext() {
		String id = send("notify", "", "[\"" + PERSONAL + "\", \"your parcel\"]");
		JsonNode forAdmin = await().atMost(TIMEOUT)
			.until(() -> get("/gtask/api/tasks/" + id, ADMIN), (node) -> "SUCCESS".equals(node.get("status").asString()));
		assertThat(forAdmin.get("args").asString()).contains(PERSONAL);
		assertThat(forAdmin.get("result").asString()).contains(PERSONAL);
		JsonNode forViewer = get("/gtask/api/tasks/" + id, VIEWER);
		assertThat(forViewer.get("args").asString()).isEqualTo(REDACTED);
		assertThat(forViewer.get("result").asString()).isEqualTo(REDACTED);
		assertThat(forViewer.get("name").asString()).isEqualTo("notify");
		Map<Object, Object> hash = this.redis.opsForHash()
			.entries(new RedisKeyspace(this.properties.getKeyPrefix()).task(id));
		assertThat(hash).isNotEmpty();
		assertThat(hash.toString()).doesNotContain(PERSONAL).contains("gtask:enc:v1:test1:");
	}

	@Test
	void scheduledTaskArgumentsAreDecryptedForAnAdminOnly() {
		send("notify", "queue=later&countdown=1h", "[\"" + PERSONAL + "\", \"later\"]");
		assertThat(get("/gtask/api/queues/later/scheduled", ADMIN).get("items").get(0).get("args").asString())
			.contains(PERSONAL);
		assertThat(get("/gtask/api/queues/later/scheduled", VIEWER).get("items").get(0).get("args").asString())
			.isEqualTo(REDACTED);
	}

	@Test
	void deadLetterMessagesAreDecryptedForAnAdminOnly() {
		String id = send("fail", "", "[\"card of " + PERSONAL.replace('@', '#') + " declined\"]");
		JsonNode forAdmin = await().atMost(TIMEOUT)
			.until(() -> get("/gtask/api/queues/default/dead", ADMIN), (node) -> node.get("total").asLong() >= 1)
			.get("items")
			.get(0);
		assertThat(forAdmin.get("taskId").asString()).isEqualTo(id);
		assertThat(forAdmin.get("payload").asString()).contains("jane.doe#example.com");
		JsonNode forViewer = get("/gtask/api/queues/default/dead", VIEWER).get("items").get(0);
		assertThat(forViewer.get("payload").asString()).isEqualTo(REDACTED);
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
