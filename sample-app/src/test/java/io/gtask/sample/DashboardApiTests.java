package io.gtask.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gtask.core.BatchRequest;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskRequest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;

/**
 * The dashboard's page and API in the sample, with its Spring Security users, on a real Redis:
 * who may view and who may act, what each view shows, and that the page loads nothing from
 * outside the application.
 */
@SpringBootTest(properties = { "gtask.key-prefix=sample-test-dashboard-${random.uuid}", "gtask.task.max-retries=0",
		"gtask.worker.poll-timeout=200ms", "gtask.stats.flush-interval=200ms" })
@AutoConfigureMockMvc
@Import(RedisKeyCleanup.class)
class DashboardApiTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final RequestPostProcessor VIEWER = httpBasic("viewer", "viewer");

	private static final RequestPostProcessor ADMIN = httpBasic("admin", "admin");

	/**
	 * What the dashboard's page sends with an action: Spring Security's CSRF token and the
	 * header that a page of another site cannot send.
	 */
	private static final RequestPostProcessor PAGE = (request) -> {
		request.addHeader("X-GTask-Action", "dashboard");
		return csrf().postProcessRequest(request);
	};

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private TaskClient client;

	@Test
	void anonymousUsersMustSignIn() {
		assertThat(this.mvc.get().uri("/gtask").accept(MediaType.TEXT_HTML).exchange()).hasStatus3xxRedirection().hasRedirectedUrl("/login");
		assertThat(this.mvc.get().uri("/gtask/api/overview").accept(MediaType.APPLICATION_JSON).exchange())
			.hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(this.mvc.get().uri("/gtask/api/overview").with(httpBasic("viewer", "wrong")).exchange())
			.hasStatus(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void viewerSeesTheOverviewButMayNotAct() {
		JsonNode overview = body(this.mvc.get().uri("/gtask/api/overview").with(VIEWER).exchange());
		assertThat(overview.get("access").get("user").asString()).isEqualTo("viewer");
		assertThat(overview.get("access").get("canAct").asBoolean()).isFalse();
		MvcTestResult pause = this.mvc.post().uri("/gtask/api/queues/default/pause").with(VIEWER).with(PAGE).exchange();
		assertThat(pause).hasStatus(HttpStatus.FORBIDDEN);
		assertThat(body(pause).get("error").asString())
			.isEqualTo("Not allowed to pause queue default: This action needs role GTASK_ADMIN");
		assertThat(body(this.mvc.get().uri("/gtask/api/queues/default").with(VIEWER).exchange()).get("info")
			.get("paused")
			.asBoolean()).isFalse();
	}

	@Test
	void adminPausesAndResumesAQueueWithTheCsrfToken() {
		assertThat(this.mvc.post().uri("/gtask/api/queues/reports/pause").with(ADMIN).exchange())
			.hasStatus(HttpStatus.FORBIDDEN);
		JsonNode paused = body(this.mvc.post().uri("/gtask/api/queues/reports/pause").with(ADMIN).with(PAGE).exchange());
		assertThat(paused.get("paused").asBoolean()).isTrue();
		JsonNode overview = body(this.mvc.get().uri("/gtask/api/overview").with(ADMIN).exchange());
		assertThat(overview.get("access").get("canAct").asBoolean()).isTrue();
		assertThat(overview.get("counts").get("pausedQueues").asLong()).isEqualTo(1);
		JsonNode resumed = body(this.mvc.post().uri("/gtask/api/queues/reports/resume").with(ADMIN).with(PAGE).exchange());
		assertThat(resumed.get("paused").asBoolean()).isFalse();
		MvcTestResult invalid = this.mvc.post().uri("/gtask/api/queues/{queue}/pause", "bad queue").with(ADMIN).with(PAGE)
			.exchange();
		assertThat(invalid).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(body(invalid).get("error").asString()).contains("bad queue");
	}

	@Test
	void crossSiteRequestsOfASignedInAdminAreRefusedAndChangeNothing() {
		MvcTestResult withoutHeader = this.mvc.post()
			.uri("/gtask/api/queues/cross-site/pause")
			.with(ADMIN)
			.with(csrf())
			.header("Origin", "https://elsewhere.example")
			.exchange();
		assertThat(withoutHeader).hasStatus(HttpStatus.FORBIDDEN);
		assertThat(body(withoutHeader).get("error").asString()).startsWith("Refused to pause queue cross-site")
			.contains("X-GTask-Action header");
		MvcTestResult foreignOrigin = this.mvc.post()
			.uri("/gtask/api/queues/cross-site/pause")
			.with(ADMIN)
			.with(PAGE)
			.header("Origin", "https://elsewhere.example")
			.exchange();
		assertThat(foreignOrigin).hasStatus(HttpStatus.FORBIDDEN);
		assertThat(body(foreignOrigin).get("error").asString()).contains("origin https://elsewhere.example");
		MvcTestResult foreignReferer = this.mvc.delete()
			.uri("/gtask/api/queues/cross-site/dead")
			.with(ADMIN)
			.with(PAGE)
			.header("Referer", "https://elsewhere.example/gtask/")
			.exchange();
		assertThat(foreignReferer).hasStatus(HttpStatus.FORBIDDEN);
		assertThat(paused("cross-site")).isFalse();
		JsonNode paused = body(this.mvc.post()
			.uri("/gtask/api/queues/cross-site/pause")
			.with(ADMIN)
			.with(PAGE)
			.header("Origin", "http://localhost")
			.exchange());
		assertThat(paused.get("paused").asBoolean()).isTrue();
		assertThat(paused("cross-site")).isTrue();
		body(this.mvc.post().uri("/gtask/api/queues/cross-site/resume").with(ADMIN).with(PAGE).exchange());
		assertThat(paused("cross-site")).isFalse();
	}

	@Test
	void pageCarriesTheCsrfTokenAndLoadsNothingFromOutside() throws Exception {
		MvcTestResult page = this.mvc.get().uri("/gtask").with(VIEWER).exchange();
		assertThat(page).hasStatusOk();
		String html = page.getResponse().getContentAsString(StandardCharsets.UTF_8);
		assertThat(html).contains("<base href=\"/gtask/\">")
			.contains("<meta name=\"gtask-csrf-header\" content=\"X-CSRF-TOKEN\">")
			.doesNotContain("content=\"\"");
		assertThat(page.getResponse().getHeader("Content-Security-Policy")).contains("default-src 'self'");
		for (String asset : new String[] { "app.js", "app.css", "favicon.svg" }) {
			MvcTestResult file = this.mvc.get().uri("/gtask/assets/" + asset).with(VIEWER).exchange();
			assertThat(file).hasStatusOk();
			String text = file.getResponse().getContentAsString(StandardCharsets.UTF_8);
			assertThat(text).doesNotContainPattern("(src|href|url)\\s*[=(]\\s*['\"]?(https?:)?//");
		}
		assertThat(html).doesNotContainPattern("(src|href)=\"(https?:)?//");
		assertThat(this.mvc.get().uri("/gtask/assets/index.html").with(VIEWER).exchange()).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void taskLookupShowsArgumentsResultAndTimes() {
		String id = send("add", "", "[2, 3]");
		JsonNode task = await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/gtask/api/tasks/{id}", id).with(VIEWER).exchange()),
					(node) -> "SUCCESS".equals(node.get("status").asString()));
		assertThat(task.get("name").asString()).isEqualTo("add");
		assertThat(json.readTree(task.get("args").asString())).isEqualTo(json.readTree("[2,3]"));
		assertThat(task.get("result").asString()).isEqualTo("5");
		assertThat(task.get("attempts").asInt()).isEqualTo(1);
		assertThat(task.get("createdAt").isNull()).isFalse();
		assertThat(task.get("finishedAt").isNull()).isFalse();
		assertThat(task.get("history").valueStream().map((event) -> event.get("status").asString()))
			.containsExactly("PENDING", "STARTED", "SUCCESS");
		MvcTestResult missing = this.mvc.get().uri("/gtask/api/tasks/{id}", "no-such-task").with(VIEWER).exchange();
		assertThat(missing).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(body(missing).get("error").asString()).contains("no-such-task");
	}

	@Test
	void batchMembersArePagedWithTheirStatesAndProgress() {
		String batch = this.client.batches()
			.start(BatchRequest.of(TaskRequest.of("crunch").args(2, 5L).build(),
					TaskRequest.of("crunch").args(3, 5L).build(),
					TaskRequest.of("crunch").args(1, 5L).build()));
		JsonNode info = await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/gtask/api/batches/{id}", batch).with(VIEWER).exchange()),
					(node) -> node.get("pending").asLong() == 0 && node.get("total").asLong() == 3);
		assertThat(info.get("succeeded").asLong()).isEqualTo(3);
		JsonNode first = body(this.mvc.get().uri("/gtask/api/batches/{id}/members?count=2", batch).with(VIEWER).exchange());
		List<String> ids = new ArrayList<>();
		first.get("taskIds").valueStream().forEach((id) -> ids.add(id.asString()));
		String cursor = first.get("cursor").isNull() ? null : first.get("cursor").asString();
		while (cursor != null) {
			JsonNode next = body(this.mvc.get()
				.uri("/gtask/api/batches/{id}/members?count=2&cursor={cursor}", batch, cursor)
				.with(VIEWER)
				.exchange());
			next.get("taskIds").valueStream().forEach((id) -> ids.add(id.asString()));
			cursor = next.get("cursor").isNull() ? null : next.get("cursor").asString();
		}
		assertThat(ids).hasSize(3).doesNotHaveDuplicates();
		JsonNode states = body(this.mvc.get()
			.uri("/gtask/api/task-states?ids={a}&ids={b}&ids={c}&ids=no,such-task", ids.get(0), ids.get(1), ids.get(2))
			.with(VIEWER)
			.exchange());
		assertThat(states.valueStream().map((state) -> state.get("id").asString())).containsExactlyElementsOf(ids);
		assertThat(states.valueStream().map((state) -> state.get("status").asString())).containsOnly("SUCCESS");
		assertThat(states.valueStream().map((state) -> state.get("progress").get("fraction").asDouble())).containsOnly(1.0);
		assertThat(states.get(0).has("args")).isFalse();
		MvcTestResult tooMany = this.mvc.get().uri("/gtask/api/batches/{id}/members?count=500", batch).with(VIEWER).exchange();
		assertThat(tooMany).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(body(tooMany).get("error").asString()).contains("count must be 1 to 100");
		MvcTestResult badCursor = this.mvc.get()
			.uri("/gtask/api/batches/{id}/members?cursor=xyz", batch)
			.with(VIEWER)
			.exchange();
		assertThat(body(badCursor).get("error").asString()).contains("'xyz' is not a cursor");
		assertThat(this.mvc.get().uri("/gtask/api/batches/{id}/members", "no-such-batch").with(VIEWER).exchange())
			.hasStatus(HttpStatus.NOT_FOUND);
		assertThat(this.mvc.get().uri("/gtask/api/task-states").with(VIEWER).exchange()).hasStatus(HttpStatus.BAD_REQUEST);
	}

	@Test
	void browseListsRecentTasksWithFilters() {
		String added = send("add", "", "[4040, 2]");
		await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get()
				.uri("/gtask/api/browse/recent?outcome=succeeded&queue=default&arg=4040")
				.with(ADMIN)
				.exchange()).get("tasks"), (tasks) -> tasks.size() == 1);
		JsonNode page = body(this.mvc.get()
			.uri("/gtask/api/browse/recent?outcome=succeeded&queue=default&arg=4040&name=add")
			.with(ADMIN)
			.exchange());
		assertThat(page.get("tasks").get(0).get("id").asString()).isEqualTo(added);
		assertThat(page.get("tasks").get(0).get("args").asString()).isEqualTo("[4040,2]");
		MvcTestResult wrong = this.mvc.get().uri("/gtask/api/browse/recent?outcome=maybe").with(VIEWER).exchange();
		assertThat(wrong).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(body(wrong).get("error").asString()).contains("outcome must be 'succeeded' or 'failed'");
		assertThat(body(this.mvc.get().uri("/gtask/api/browse/running?queue=default").with(VIEWER).exchange()).isArray())
			.isTrue();
	}

	@Test
	void deadLetterIsListedRetriedAndDeleted() {
		String failed = send("fail", "", "[\"broken\"]");
		JsonNode page = await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/gtask/api/queues/default/dead").with(VIEWER).exchange()),
					(node) -> node.get("total").asLong() >= 1);
		JsonNode letter = page.get("items").get(0);
		assertThat(letter.get("taskId").asString()).isEqualTo(failed);
		assertThat(letter.get("reason").asString()).isEqualTo("broken");
		String letterId = letter.get("id").asString();
		assertThat(this.mvc.post()
			.uri("/gtask/api/queues/default/dead/{id}/retry", letterId)
			.with(VIEWER)
			.with(PAGE)
			.exchange()).hasStatus(HttpStatus.FORBIDDEN);
		JsonNode retried = body(this.mvc.post()
			.uri("/gtask/api/queues/default/dead/{id}/retry", letterId)
			.with(ADMIN)
			.with(PAGE)
			.exchange());
		assertThat(retried.get("taskId").asString()).isEqualTo(failed);
		JsonNode again = await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/gtask/api/queues/default/dead").with(VIEWER).exchange()),
					(node) -> node.get("total").asLong() == 1
							&& !node.get("items").get(0).get("id").asString().equals(letterId));
		String secondId = again.get("items").get(0).get("id").asString();
		assertThat(this.mvc.delete()
			.uri("/gtask/api/queues/default/dead/{id}", secondId)
			.with(ADMIN)
			.with(PAGE)
			.exchange()).hasStatusOk();
		MvcTestResult gone = this.mvc.delete()
			.uri("/gtask/api/queues/default/dead/{id}", secondId)
			.with(ADMIN)
			.with(PAGE)
			.exchange();
		assertThat(gone).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(body(gone).get("error").asString()).contains(secondId);
	}

	@Test
	void allDeadLettersOfAQueueAreRetriedOrDeletedAtOnce() {
		for (int i = 0; i < 3; i++) {
			send("fail", "", "[\"broken " + i + "\"]");
		}
		await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/gtask/api/queues/default/dead").with(VIEWER).exchange()),
					(node) -> node.get("total").asLong() == 3);
		assertThat(this.mvc.post().uri("/gtask/api/queues/default/dead/retry").with(VIEWER).with(PAGE).exchange())
			.hasStatus(HttpStatus.FORBIDDEN);
		JsonNode retried = body(this.mvc.post().uri("/gtask/api/queues/default/dead/retry").with(ADMIN).with(PAGE).exchange());
		assertThat(retried.get("requeued").asInt()).isEqualTo(3);
		// they fail again and come back
		await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/gtask/api/queues/default/dead").with(VIEWER).exchange()),
					(node) -> node.get("total").asLong() == 3);
		JsonNode deleted = body(this.mvc.delete().uri("/gtask/api/queues/default/dead").with(ADMIN).with(PAGE).exchange());
		assertThat(deleted.get("deleted").asLong()).isEqualTo(3);
		assertThat(body(this.mvc.get().uri("/gtask/api/queues/default/dead").with(VIEWER).exchange()).get("total").asLong())
			.isZero();
	}

	@Test
	void adminRevokesAWaitingTaskAndCancelsARunningOne() {
		String waiting = send("add", "countdown=1h", "[1, 2]");
		assertThat(this.mvc.post().uri("/gtask/api/tasks/{id}/revoke", waiting).with(VIEWER).with(PAGE).exchange())
			.hasStatus(HttpStatus.FORBIDDEN);
		JsonNode revoked = body(this.mvc.post().uri("/gtask/api/tasks/{id}/revoke", waiting).with(ADMIN).with(PAGE).exchange());
		assertThat(revoked.get("revoked").asBoolean()).isTrue();
		assertThat(body(this.mvc.get().uri("/gtask/api/tasks/{id}", waiting).with(VIEWER).exchange()).get("status")
			.asString()).isEqualTo("REVOKED");
		String running = send("export", "", "[600]");
		await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/gtask/api/tasks/{id}", running).with(VIEWER).exchange()),
					(node) -> "STARTED".equals(node.get("status").asString()));
		JsonNode cancelled = body(this.mvc.post().uri("/gtask/api/tasks/{id}/cancel", running).with(ADMIN).with(PAGE).exchange());
		assertThat(cancelled.get("cancelled").asBoolean()).isTrue();
		await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/gtask/api/tasks/{id}", running).with(VIEWER).exchange()),
					(node) -> "REVOKED".equals(node.get("status").asString()));
	}

	@Test
	void scheduledPeriodicAndWorkersAreListed() {
		String later = send("add", "queue=later&countdown=1h", "[1, 1]");
		JsonNode scheduled = body(this.mvc.get().uri("/gtask/api/queues/later/scheduled").with(VIEWER).exchange());
		assertThat(scheduled.get("total").asLong()).isEqualTo(1);
		assertThat(scheduled.get("items").get(0).get("id").asString()).isEqualTo(later);
		assertThat(scheduled.get("items").get(0).get("attempt").asInt()).isEqualTo(1);
		JsonNode periodic = body(this.mvc.get().uri("/gtask/api/periodic").with(VIEWER).exchange());
		assertThat(periodic.valueStream().map((schedule) -> schedule.get("id").asString())).contains("answer");
		JsonNode answer = periodic.valueStream()
			.filter((schedule) -> schedule.get("id").asString().equals("answer"))
			.findFirst()
			.orElseThrow();
		assertThat(answer.get("cron").asString()).isEqualTo("0 * * * * *");
		assertThat(answer.get("nextTick").isNull()).isFalse();
		JsonNode workers = await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/gtask/api/workers").with(VIEWER).exchange()), (node) -> !node.isEmpty());
		assertThat(workers.get(0).get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
	}

	@Test
	void overviewChartsTheTasksThatRan() {
		String id = send("add", "", "[20, 22]");
		await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/gtask/api/tasks/{id}", id).with(VIEWER).exchange()),
					(node) -> "SUCCESS".equals(node.get("status").asString()));
		JsonNode overview = await().atMost(TIMEOUT)
			.until(() -> body(this.mvc.get().uri("/gtask/api/overview?range=6h").with(VIEWER).exchange()),
					(node) -> node.get("allTime").get("succeeded").asLong() >= 1);
		JsonNode history = overview.get("history");
		assertThat(history.get("buckets")).hasSize(60);
		assertThat(history.get("step").asString()).isEqualTo("PT6M");
		long succeeded = history.get("buckets").valueStream().mapToLong((bucket) -> bucket.get("succeeded").asLong()).sum();
		assertThat(succeeded).isGreaterThanOrEqualTo(1);
		assertThat(overview.get("queues").valueStream().map((queue) -> queue.get("queue").asString())).contains("default",
				"reports");
		MvcTestResult invalid = this.mvc.get().uri("/gtask/api/overview?range=30d").with(VIEWER).exchange();
		assertThat(invalid).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(body(invalid).get("error").asString()).contains("30d");
	}

	private boolean paused(String queue) {
		return body(this.mvc.get().uri("/gtask/api/queues/{queue}", queue).with(VIEWER).exchange()).get("info")
			.get("paused")
			.asBoolean();
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
