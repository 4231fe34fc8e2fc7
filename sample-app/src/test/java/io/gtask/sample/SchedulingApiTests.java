package io.gtask.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import org.junit.jupiter.api.AfterEach;
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
 * The sample's scheduling and flow control over HTTP on a real Redis: priorities, unique tasks,
 * expiry, revoke and cancel, pause and resume, queue inspection, and tasks under concurrency and
 * rate limits.
 */
@SpringBootTest(properties = { "gtask.key-prefix=sample-test-flow-${random.uuid}", "gtask.worker.poll-timeout=200ms",
		"gtask.result.poll-interval=200ms", "gtask.result.ttl=10m", "gtask.worker.queues=default,reports,held,later" })
@AutoConfigureMockMvc
@Import(RedisKeyCleanup.class)
class SchedulingApiTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	/**
	 * A queue the tests pause; the worker consumes it.
	 */
	private static final String HELD = "held";

	/**
	 * A queue only the revoke test sends to, so that it can watch it empty.
	 */
	private static final String LATER = "later";

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private TaskClient taskClient;

	@AfterEach
	void resumeHeldQueue() {
		this.mvc.post().uri("/queues/{queue}/resume", HELD).exchange();
	}

	@Test
	void frontAndPriorityDecideWhichPendingTaskIsFetchedFirst() {
		pause(HELD);
		String low = send("add", "queue=" + HELD, "[1, 1]");
		String high = send("add", "queue=" + HELD + "&priority=5", "[2, 2]");
		String front = send("add", "queue=" + HELD + "&front=true", "[3, 3]");

		JsonNode next = body(this.mvc.get().uri("/queues/{queue}/next", HELD).exchange());
		assertThat(next.get("id").asString()).isEqualTo(front);
		assertThat(next.get("name").asString()).isEqualTo("add");
		assertThat(next.get("priority").asInt()).isEqualTo(10);
		assertThat(next.get("args").toString()).isEqualTo("[3,3]");
		JsonNode last = body(this.mvc.get().uri("/queues/{queue}/last", HELD).exchange());
		assertThat(last.get("id").asString()).isEqualTo(low);
		assertThat(last.get("priority").asInt()).isZero();

		resume(HELD);
		assertThat(awaitStatus(front, "SUCCESS").get("result").asInt()).isEqualTo(6);
		assertThat(awaitStatus(high, "SUCCESS").get("result").asInt()).isEqualTo(4);
		assertThat(awaitStatus(low, "SUCCESS").get("result").asInt()).isEqualTo(2);
		assertThat(this.mvc.get().uri("/queues/{queue}/next", HELD).exchange()).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void queueWithoutPendingTasksHasNoNextOrLastTask() {
		MvcTestResult next = this.mvc.get().uri("/queues/{queue}/next", "empty").exchange();
		assertThat(next).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(body(next).get("detail").asString()).contains("No task is pending in queue 'empty'");
		assertThat(this.mvc.get().uri("/queues/{queue}/last", "empty").exchange()).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void pausedQueueAcceptsTasksButRunsNoneUntilResumed() {
		JsonNode paused = body(this.mvc.post().uri("/queues/{queue}/pause", HELD).exchange());
		assertThat(paused.get("queue").asString()).isEqualTo(HELD);
		assertThat(paused.get("paused").asBoolean()).isTrue();
		long pendingBefore = queue(HELD).get("pending").asLong();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			ids.add(send("add", "queue=" + HELD, "[" + i + ", 10]"));
		}

		await().during(Duration.ofMillis(800))
			.atMost(TIMEOUT)
			.until(() -> ids.stream().allMatch((id) -> "PENDING".equals(status(id))));
		JsonNode info = queue(HELD);
		assertThat(info.get("paused").asBoolean()).isTrue();
		assertThat(info.get("pending").asLong()).isEqualTo(pendingBefore + 3);

		JsonNode resumed = body(this.mvc.post().uri("/queues/{queue}/resume", HELD).exchange());
		assertThat(resumed.get("paused").asBoolean()).isFalse();
		for (String id : ids) {
			assertThat(awaitStatus(id, "SUCCESS").get("result").asInt()).isBetween(10, 12);
		}
		assertThat(queue(HELD).get("paused").asBoolean()).isFalse();
	}

	@Test
	void queueInfoCountsDelayedTasksAndListsThisWorker() {
		String delayed = send("add", "queue=" + HELD + "&countdown=1h", "[5, 5]");

		JsonNode info = await().atMost(TIMEOUT)
			.until(() -> queue(HELD), (queue) -> !queue.get("consumers").isEmpty());
		assertThat(info.get("queue").asString()).isEqualTo(HELD);
		assertThat(info.get("delayed").asLong()).isEqualTo(1);
		assertThat(info.get("paused").asBoolean()).isFalse();
		JsonNode consumer = info.get("consumers").get(0);
		assertThat(consumer.get("name").asString()).isNotEmpty();
		// the time until which its heartbeat counts it alive
		assertThat(consumer.get("aliveUntil").asLong()).isGreaterThan(System.currentTimeMillis() - 1000);
		revoke(delayed);
	}

	@Test
	void uniqueTaskIsRefusedWithTheIdOfTheTaskThatHoldsItsKey() {
		String first = send("add", "uniqueFor=1h&countdown=1h", "[4, 4]");

		MvcTestResult again = post("add", "uniqueFor=1h", "[4, 4]");
		assertThat(again).hasStatus(HttpStatus.CONFLICT);
		assertThat(again).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(body(again).get("existingId").asString()).isEqualTo(first);
		assertThat(body(again).get("detail").asString()).contains("already queued or running as task " + first);
		assertThat(send("add", "uniqueFor=1h&onDuplicate=RETURN_EXISTING", "[4, 4]")).isEqualTo(first);
		// other arguments, other key
		String other = send("add", "uniqueFor=1h&countdown=1h", "[4, 5]");
		assertThat(other).isNotEqualTo(first);

		String keyed = send("add", "uniqueKey=order-7&uniqueFor=1h&countdown=1h", "[1, 2]");
		MvcTestResult sameKey = post("sum", "uniqueKey=order-7&uniqueFor=1h", "[[3, 4]]");
		assertThat(sameKey).hasStatus(HttpStatus.CONFLICT);
		assertThat(body(sameKey).get("existingId").asString()).isEqualTo(keyed);

		revoke(first);
		revoke(other);
		revoke(keyed);
	}

	@Test
	void revokedCountdownTaskNeverRunsAndEndsRevoked() {
		String id = send("add", "queue=" + LATER + "&countdown=500ms", "[1, 2]");

		JsonNode revoked = revoke(id);
		assertThat(revoked.get("revoked").asBoolean()).isTrue();
		assertThat(revoked.get("status").asString()).isEqualTo("REVOKED");
		// the task fell due and a worker dropped it without running it
		await().atMost(TIMEOUT).until(() -> {
			JsonNode info = queue(LATER);
			return info.get("delayed").asLong() + info.get("pending").asLong() == 0;
		});
		JsonNode task = task(id);
		assertThat(task.get("status").asString()).isEqualTo("REVOKED");
		assertThat(task.get("attempts").asInt()).isZero();
		assertThat(task.get("error").get("type").asString()).isEqualTo("io.gtask.core.TaskRevokedException");

		assertThat(revoke(id).get("revoked").asBoolean()).isFalse();
		assertThat(this.mvc.post().uri("/tasks/{id}/revoke", "no-such-task").exchange())
			.hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void cancelledRunningTaskStopsAndEndsRevoked() {
		// 60 seconds of work, unless cancelled
		String id = send("export", "", "[600]");
		awaitStatus(id, "STARTED");

		assertThat(body(this.mvc.post().uri("/tasks/{id}/revoke", id).exchange()).get("revoked").asBoolean())
			.isFalse();
		JsonNode cancelled = body(this.mvc.post().uri("/tasks/{id}/cancel", id).exchange());
		assertThat(cancelled.get("cancelled").asBoolean()).isTrue();
		JsonNode task = awaitStatus(id, "REVOKED");
		assertThat(task.get("attempts").asInt()).isEqualTo(1);
		assertThat(task.get("error").get("message").asString()).contains("cancelled on request");

		assertThat(body(this.mvc.post().uri("/tasks/{id}/cancel", id).exchange()).get("cancelled").asBoolean())
			.isFalse();
	}

	@Test
	void taskNotStartedBeforeItExpiresEndsExpired() {
		// due after it expires, so it can only expire
		String id = send("add", "countdown=1s&expires=100ms", "[1, 2]");

		JsonNode task = awaitStatus(id, "EXPIRED");
		assertThat(task.get("attempts").asInt()).isZero();
		assertThat(task.get("result").isNull()).isTrue();
		assertThat(task.get("error").get("message").asString()).contains("not started before it expired");
	}

	@Test
	void rateLimitedTasksAllSucceedAtMostFivePerSecond() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			ids.add(send("notify", "", "[\"user-" + i + "\", \"hello\"]"));
		}

		List<TaskInfo> tasks = awaitAllSucceeded(ids);
		List<Instant> starts = tasks.stream().map(TaskInfo::startedAt).sorted().toList();
		// "5/1s": the sixth start comes a second after the first (less dispatch jitter)
		for (int i = 0; i + 5 < starts.size(); i++) {
			assertThat(Duration.between(starts.get(i), starts.get(i + 5))).isGreaterThan(Duration.ofMillis(800));
		}
	}

	@Test
	void concurrencyLimitedTasksWaitAndAllSucceed() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(send("report", "", "[\"customer-" + i + "\", 300]"));
		}

		// three of them wait in Redis for one of the two permits
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> queue("reports").get("waiting").asLong() > 0);
		List<TaskInfo> tasks = awaitAllSucceeded(ids);
		assertThat(mostRunningAtOnce(tasks)).isEqualTo(2);
		assertThat(queue("reports").get("waiting").asLong()).isZero();
	}

	@Test
	void perInstanceLimitedTasksAllSucceed() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(send("thumbnail", "", "[\"image-" + i + ".png\", 200]"));
		}

		List<TaskInfo> tasks = awaitAllSucceeded(ids);
		assertThat(mostRunningAtOnce(tasks)).isBetween(1, 2);
	}

	@Test
	void invalidSchedulingOptionsAreBadRequestsWithTheReason() {
		MvcTestResult priority = post("add", "priority=12", "[1, 2]");
		assertThat(priority).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(body(priority).get("detail").asString()).isEqualTo("Priority must be from 0 to 9 but was 12");

		assertThat(body(post("add", "priority=3&front=true", "[1, 2]")).get("detail").asString())
			.contains("either priority or front");
		assertThat(body(post("add", "uniqueKey=order-1", "[1, 2]")).get("detail").asString())
			.contains("uniqueKey needs uniqueFor");
		assertThat(post("add", "expires=later", "[1, 2]")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(post("add", "onDuplicate=SOMETIMES", "[1, 2]")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(this.mvc.get().uri("/queues/{queue}", "bad queue").exchange()).hasStatus(HttpStatus.BAD_REQUEST);
	}

	private static int mostRunningAtOnce(List<TaskInfo> tasks) {
		int most = 0;
		for (TaskInfo task : tasks) {
			Instant at = task.startedAt();
			int running = 0;
			for (TaskInfo other : tasks) {
				if (!other.startedAt().isAfter(at) && other.finishedAt().isAfter(at)) {
					running++;
				}
			}
			most = Math.max(most, running);
		}
		return most;
	}

	private List<TaskInfo> awaitAllSucceeded(List<String> ids) {
		List<TaskInfo> tasks = new ArrayList<>();
		for (String id : ids) {
			TaskInfo info = this.taskClient.awaitCompletion(id, TIMEOUT);
			assertThat(info.status().name()).as("status of %s", id).isEqualTo("SUCCESS");
			tasks.add(info);
		}
		return tasks;
	}

	private void pause(String queue) {
		assertThat(this.mvc.post().uri("/queues/{queue}/pause", queue).exchange()).hasStatusOk();
	}

	private void resume(String queue) {
		assertThat(this.mvc.post().uri("/queues/{queue}/resume", queue).exchange()).hasStatusOk();
	}

	private JsonNode revoke(String id) {
		MvcTestResult result = this.mvc.post().uri("/tasks/{id}/revoke", id).exchange();
		assertThat(result).hasStatusOk();
		return body(result);
	}

	private JsonNode queue(String queue) {
		MvcTestResult result = this.mvc.get().uri("/queues/{queue}", queue).exchange();
		assertThat(result).hasStatusOk();
		return body(result);
	}

	private String send(String name, String query, String body) {
		MvcTestResult result = post(name, query, body);
		assertThat(result).hasStatus(HttpStatus.ACCEPTED);
		return body(result).get("id").asString();
	}

	private MvcTestResult post(String name, String query, String body) {
		return this.mvc.post()
			.uri("/tasks/" + name + (query.isEmpty() ? "" : "?" + query))
			.contentType(MediaType.APPLICATION_JSON)
			.content(body)
			.exchange();
	}

	private JsonNode task(String id) {
		MvcTestResult result = this.mvc.get().uri("/tasks/{id}", id).exchange();
		assertThat(result).hasStatusOk();
		return body(result);
	}

	private String status(String id) {
		return task(id).get("status").asString();
	}

	private JsonNode awaitStatus(String id, String status) {
		return await().atMost(TIMEOUT).until(() -> task(id), (task) -> status.equals(task.get("status").asString()));
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
