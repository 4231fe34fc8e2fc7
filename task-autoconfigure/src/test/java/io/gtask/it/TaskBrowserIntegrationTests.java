package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.gtask.core.GTaskException;
import io.gtask.core.RecentTask;
import io.gtask.core.RecentTasks;
import io.gtask.core.RunningTask;
import io.gtask.core.ScheduledTask;
import io.gtask.core.TaskBrowser;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFilter;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisKeyspace;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Browsing tasks by state on a real Redis: running with their worker and start, retrying,
 * recently succeeded and failed with the stack trace, filters and paging, a bounded index, and
 * bad data in the index's keys.
 */
class TaskBrowserIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withBean(BrowseHandlers.class)
		.withPropertyValues("gtask.key-prefix=" + this.prefix, "gtask.worker.concurrency=4",
				"gtask.worker.consumer-name=browser-worker");

	@Test
	void recentTasksArePagedNewestFirstWithFiltersAndTheStackTraceOfFailures() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskBrowser browser = context.getBean(TaskBrowser.class);
			List<String> ok = new ArrayList<>();
			for (int i = 0; i < 25; i++) {
				ok.add(client.send("browse.ok", "item-" + i));
			}
			List<String> failed = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				failed.add(client.send(TaskRequest.of("browse.fail").args("reason-" + i).maxRetries(0).build()));
			}
			for (String id : ok) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			for (String id : failed) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.FAILURE);
			}
			List<String> paged = new ArrayList<>();
			await().atMost(WAIT).until(() -> browser.recent(true, TaskFilter.NONE, null, 100).tasks().size() == 25);
			String cursor = null;
			int pages = 0;
			do {
				RecentTasks page = browser.recent(true, TaskFilter.NONE, cursor, 10);
				assertThat(page.tasks()).hasSizeLessThanOrEqualTo(10);
				page.tasks().forEach((task) -> paged.add(task.id()));
				cursor = page.cursor();
				pages++;
			}
			while (cursor != null);
			assertThat(pages).isBetween(3, 4);
			assertThat(paged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ok);
			List<RecentTask> newest = browser.recent(true, TaskFilter.NONE, null, 25).tasks();
			// in the order they were indexed: the outcomes of concurrent workers may cross by a few milliseconds
			for (int i = 1; i < newest.size(); i++) {
				assertThat(newest.get(i - 1).finishedAt().plusSeconds(1)).isAfterOrEqualTo(newest.get(i).finishedAt());
			}
			assertThat(newest.get(0).finishedAt()).isAfterOrEqualTo(newest.get(newest.size() - 1).finishedAt());
			RecentTask first = newest.get(0);
			assertThat(first.name()).isEqualTo("browse.ok");
			assertThat(first.queue()).isEqualTo("default");
			assertThat(first.attempts()).isEqualTo(1);
			assertThat(first.startedAt()).isNotNull();

			List<RecentTask> byArgument = browser.recent(true, new TaskFilter(null, null, null, "ITEM-17"), null, 10)
				.tasks();
			assertThat(byArgument).singleElement().satisfies((task) -> {
				assertThat(task.id()).isEqualTo(ok.get(17));
				assertThat(task.args()).isEqualTo("[\"item-17\"]");
			});
			String id = ok.get(3);
			assertThat(browser.recent(true, new TaskFilter("browse.ok", "default", id.substring(0, 12), null), null, 10)
				.tasks()).extracting(RecentTask::id).contains(id);
			assertThat(browser.recent(true, new TaskFilter("other", null, null, null), null, 10).tasks()).isEmpty();

			// an ended task enters the index just after its outcome is recorded
			await().atMost(WAIT).untilAsserted(() -> {
				List<RecentTask> failures = browser.recent(false, TaskFilter.NONE, null, 10).tasks();
				assertThat(failures).extracting(RecentTask::id).containsExactlyInAnyOrderElementsOf(failed);
				assertThat(failures).allSatisfy((task) -> {
					assertThat(task.status()).isEqualTo(TaskStatus.FAILURE);
					assertThat(task.error().type()).isEqualTo(IllegalStateException.class.getName());
					assertThat(task.error().message()).startsWith("reason-");
					assertThat(task.trace()).contains("IllegalStateException").contains("BrowseHandlers.fail");
				});
			});
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> browser.recent(true, TaskFilter.NONE, "not-a-cursor", 10))
				.withMessageContaining("'not-a-cursor' is not a cursor");
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> browser.recent(true, TaskFilter.NONE, null, 0))
				.withMessageContaining("1 to 1000");
		});
	}

	@Test
	void runningTasksShowTheirWorkerAndStartAndRetryingTasksTheirNextAttempt() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskBrowser browser = context.getBean(TaskBrowser.class);
			String slow = client.send("browse.sleep", 3000L);
			String flaky = client.send(TaskRequest.of("browse.fail").args("again").maxRetries(2)
				.backoff(Duration.ofSeconds(30)).build());
			await().atMost(WAIT).until(() -> client.status(slow) == TaskStatus.STARTED);
			// the failed attempt of the other task is settled (its delivery let go) just after its state is written
			await().atMost(WAIT).untilAsserted(() -> {
				List<RunningTask> running = browser.running("default", TaskFilter.NONE, 10);
				assertThat(running).singleElement().satisfies((task) -> {
					assertThat(task.id()).isEqualTo(slow);
					assertThat(task.name()).isEqualTo("browse.sleep");
					assertThat(task.worker()).isEqualTo("browser-worker");
					assertThat(task.attempt()).isEqualTo(1);
					assertThat(task.startedAt()).isNotNull();
				});
			});
			assertThat(browser.running("default", new TaskFilter("browse.ok", null, null, null), 10)).isEmpty();
			await().atMost(WAIT).until(() -> client.status(flaky) == TaskStatus.RETRY);
			await().atMost(WAIT).untilAsserted(() -> {
				List<ScheduledTask> retrying = browser.retrying("default", TaskFilter.NONE, 10);
				assertThat(retrying).singleElement().satisfies((task) -> {
					assertThat(task.id()).isEqualTo(flaky);
					assertThat(task.attempt()).isEqualTo(2);
				});
			});
			client.revoke(flaky);
		});
	}

	@Test
	void theIndexStaysNearItsBoundAndBadDataInItNeverStopsAWorker() {
		this.runner.withPropertyValues("gtask.browse.max-succeeded=50").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskBrowser browser = context.getBean(TaskBrowser.class);
			StringRedisTemplate redis = new StringRedisTemplate(
					context.getBean(org.springframework.data.redis.connection.RedisConnectionFactory.class));
			RedisKeyspace keys = new RedisKeyspace(this.prefix);
			List<TaskRequest> requests = new ArrayList<>();
			for (int i = 0; i < 400; i++) {
				requests.add(TaskRequest.of("browse.ok").args("bulk-" + i).build());
			}
			List<String> ids = client.sendAll(requests);
			for (String id : ids) {
				client.awaitCompletion(id, WAIT);
			}
			await().atMost(WAIT).untilAsserted(() -> {
				Long length = redis.opsForStream().size(keys.recent(true));
				assertThat(length).isBetween(50L, 250L);
			});
			assertThat(browser.recent(true, TaskFilter.NONE, null, 50).tasks()).hasSize(50);

			// entries gtask did not write are left out
			redis.opsForStream().add(keys.recent(true), java.util.Map.of("i", "x", "s", "SUCCESS"));
			redis.opsForStream().add(keys.recent(true), java.util.Map.of("i", "y", "n", "z", "q", "default", "s",
					"BOGUS", "t", "1"));
			Set<String> seen = new HashSet<>();
			browser.recent(true, TaskFilter.NONE, null, 1000).tasks().forEach((task) -> seen.add(task.id()));
			assertThat(seen).doesNotContain("x", "y");

			// a key of another type fails the read naming it, and tasks still run
			redis.delete(keys.recent(true));
			redis.opsForValue().set(keys.recent(true), "not a stream");
			assertThat(client.await(client.send("browse.ok", "after"), WAIT, String.class)).isEqualTo("after");
			assertThatExceptionOfType(GTaskException.class)
				.isThrownBy(() -> browser.recent(true, TaskFilter.NONE, null, 10))
				.withMessageContaining(keys.recent(true))
				.withMessageContaining("is not a stream");
		});
	}

	static class BrowseHandlers {

		@TaskHandler("browse.ok")
		public String ok(String item) {
			return item;
		}

		@TaskHandler("browse.fail")
		public void fail(String reason) {
			throw new IllegalStateException(reason);
		}

		@TaskHandler(value = "browse.sleep", timeout = "30s")
		public void sleep(long millis) throws InterruptedException {
			Thread.sleep(millis);
		}

	}

}
