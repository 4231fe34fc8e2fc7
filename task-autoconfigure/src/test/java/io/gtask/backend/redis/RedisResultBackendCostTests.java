package io.gtask.backend.redis;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.gtask.backend.NewTask;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.gtask.test.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a finished task costs Redis: the commands that record its outcome and the memory it
 * keeps afterwards. Runs on a server of its own, so that the command counts are its own.
 */
class RedisResultBackendCostTests {

	private static RedisProcess redis;

	private static LettuceConnectionFactory connectionFactory;

	private RedisResultBackend backend;

	private StringRedisTemplate template;

	private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	@BeforeAll
	static void startRedis() {
		redis = RedisProcess.start("--appendonly", "no");
		connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
	}

	@AfterAll
	static void stopRedis() {
		connectionFactory.destroy();
		redis.close();
	}

	@BeforeEach
	void createBackend() {
		this.backend = new RedisResultBackend(new RedisAsync(connectionFactory, Duration.ofSeconds(5)),
				new RedisKeyspace("cost"), Duration.ofHours(24), Duration.ofSeconds(1));
		this.backend.start();
		this.template = new StringRedisTemplate(connectionFactory);
		this.template.afterPropertiesSet();
	}

	@Test
	void finishingTasksRunsNoScriptAndAtMostThreeCommandsEach() {
		List<NewTask> tasks = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			tasks.add(new NewTask("t-" + i, "bench.noop", "default", this.now, false, null, null, "[]"));
		}
		this.backend.create(tasks).join();
		resetStats();
		List<TaskStateChange> changes = new ArrayList<>();
		for (NewTask task : tasks) {
			changes.add(TaskStateChange.success(task.id(), "bench.noop", "default", this.now.plusMillis(3), 1, "\"ok\"")
				.withStartedAt(this.now.plusMillis(2)));
		}
		this.backend.update(changes);
		Map<String, Long> calls = commandCalls();
		assertThat(calls).doesNotContainKeys("evalsha", "eval", "evalsha_ro", "fcall");
		assertThat(calls.values().stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(3 * 100);
		TaskInfo info = this.backend.find("t-7").orElseThrow();
		assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
		assertThat(info.history()).containsExactly(new TaskEvent(TaskStatus.PENDING, this.now, 0, null),
				new TaskEvent(TaskStatus.STARTED, this.now.plusMillis(2), 1, null),
				new TaskEvent(TaskStatus.SUCCESS, this.now.plusMillis(3), 1, null));
	}

	@Test
	void aFinishedTaskKeepsAtMost400BytesInACompactHash() {
		String id = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";
		this.backend.create(List.of(new NewTask(id, "bench.noop", "default", this.now, false, null, null, "[]"))).join();
		this.backend.update(List.of(TaskStateChange.started(id, "bench.noop", "default", this.now.plusMillis(1), 1)));
		this.backend.update(
				List.of(TaskStateChange.success(id, "bench.noop", "default", this.now.plusMillis(3), 1, "\"ok\"")));
		String key = "cost:task:" + id;
		assertThat(this.template.execute((org.springframework.data.redis.core.RedisCallback<Object>) (
				connection) -> connection.execute("OBJECT", "ENCODING".getBytes(), key.getBytes())))
			.satisfies((encoding) -> assertThat(new String((byte[]) encoding)).isEqualTo("listpack"));
		Long bytes = this.template.execute(
				org.springframework.data.redis.core.script.RedisScript
					.of("return redis.call('MEMORY', 'USAGE', KEYS[1])", Long.class),
				List.of(key));
		assertThat(bytes).isLessThanOrEqualTo(400L);
		assertThat(this.backend.find(id).orElseThrow().history()).extracting(TaskEvent::status)
			.containsExactly(TaskStatus.PENDING, TaskStatus.STARTED, TaskStatus.SUCCESS);
	}

	@Test
	void aWaitingCallerIsToldTheWholeStateOfATaskFinishedWithoutAScript() throws Exception {
		String id = "awaited";
		this.backend.create(List.of(new NewTask(id, "bench.noop", "default", this.now, false, null, null, "[1,2]"))).join();
		CompletableFuture<TaskInfo> finished = this.backend.whenFinished(id);
		Thread.sleep(100);
		this.backend.update(List.of(TaskStateChange.success(id, "bench.noop", "default", this.now.plusMillis(3), 1, "7")
			.withStartedAt(this.now.plusMillis(2))));
		TaskInfo info = finished.get(5, TimeUnit.SECONDS);
		assertThat(info).isEqualTo(this.backend.find(id).orElseThrow());
		assertThat(info.args()).isEqualTo("[1,2]");
		assertThat(info.createdAt()).isEqualTo(this.now);
	}

	private void resetStats() {
		this.template.execute((org.springframework.data.redis.core.RedisCallback<Object>) (connection) -> {
			connection.serverCommands().resetConfigStats();
			return null;
		});
	}

	private Map<String, Long> commandCalls() {
		Properties stats = this.template.execute((org.springframework.data.redis.core.RedisCallback<Properties>) (
				connection) -> connection.serverCommands().info("commandstats"));
		Map<String, Long> calls = new HashMap<>();
		stats.forEach((name, value) -> {
			String command = name.toString().replace("cmdstat_", "");
			if (!command.startsWith("config") && !command.startsWith("info")) {
				String text = value.toString();
				calls.put(command, Long.parseLong(text.substring(6, text.indexOf(','))));
			}
		});
		return calls;
	}

}
