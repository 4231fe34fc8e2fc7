package io.gtask.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskStatus;
import io.gtask.test.RedisProcess;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends thousands of tasks to worker processes (separate JVMs) on a redis-server of its own,
 * and meanwhile kills a worker with SIGKILL, restarts Redis (append-only file on, so its data
 * survives) and stops a worker gracefully; then checks from the result backend that every
 * accepted task ended SUCCESS with the value its handler computed, and prints what happened.
 */
class ReliabilitySuiteTests {

	private static final int TASKS = 2000;

	private static final Duration DEADLINE = Duration.ofMinutes(3);

	private final String prefix = "gtask-reliability-" + UUID.randomUUID().toString().substring(0, 8);

	private final String runsKey = this.prefix + ":runs";

	@Test
	void everyAcceptedTaskSucceedsThroughWorkerCrashesRedisRestartsAndShutdowns() throws Exception {
		try (RedisProcess redis = RedisProcess.start("--appendonly", "yes", "--appendfsync", "always")) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
						JacksonAutoConfiguration.class, GTaskAutoConfiguration.class))
				.withPropertyValues("spring.data.redis.url=" + redis.url(), "gtask.key-prefix=" + this.prefix,
						"gtask.worker.enabled=false")
				.run((context) -> run(redis, context.getBean(TaskClient.class),
						context.getBean(StringRedisTemplate.class)));
		}
	}

	private void run(RedisProcess redis, TaskClient client, StringRedisTemplate template) throws Exception {
		Random random = new Random(7);
		List<Worker> workers = new ArrayList<>();
		for (int i = 1; i <= 3; i++) {
			workers.add(Worker.start(i, redis.url(), this.prefix));
		}
		Map<String, Long> expected = new HashMap<>();
		List<TaskRequest> batch = new ArrayList<>();
		for (long n = 0; n < TASKS; n++) {
			// 50 to 150 ms of work each: with 24 slots the run lasts long enough to crash things mid-flight
			batch.add(TaskRequest.of("work").args(this.runsKey, n, 50L + random.nextInt(100)).build());
			if (batch.size() == 500) {
				send(client, batch, expected);
			}
		}
		send(client, batch, expected);
		for (Worker worker : workers) {
			worker.awaitStarted();
		}
		awaitRuns(template, TASKS / 5);
		log("killing worker 1 with SIGKILL mid-flight");
		workers.get(0).kill();
		workers.add(Worker.start(4, redis.url(), this.prefix));
		awaitRuns(template, TASKS / 2);
		log("restarting Redis mid-flight");
		redis.stop();
		Thread.sleep(1000);
		redis.start();
		awaitRuns(template, (TASKS * 2) / 3);
		log("stopping worker 2 gracefully (SIGTERM)");
		workers.get(1).stop();
		long finished = awaitFinished(client, expected, TASKS);
		int lost = TASKS - (int) finished;
		int wrong = 0;
		for (Map.Entry<String, Long> entry : expected.entrySet()) {
			Optional<TaskInfo> info = find(client, entry.getKey());
			if (info.isPresent() && info.get().status() == TaskStatus.SUCCESS
					&& !String.valueOf(entry.getValue() * 2).equals(info.get().result())) {
				wrong++;
			}
		}
		int twice = 0;
		for (Object runs : template.opsForHash().values(this.runsKey)) {
			if (Long.parseLong(runs.toString()) > 1) {
				twice++;
			}
		}
		for (Worker worker : workers) {
			worker.kill();
		}
		long takenOver = 0;
		long handedBack = 0;
		for (Worker worker : workers) {
			String log = Files.readString(worker.log);
			takenOver += count(log, "Put back (\\d+) task");
			handedBack += count(log, "Handing back (\\d+) task");
		}
		System.out.printf("reliability: sent %d, completed %d, lost %d, wrong result %d, run twice %d, "
				+ "taken over from the killed worker %d, handed back at shutdown %d%n", TASKS, finished, lost, wrong,
				twice, takenOver, handedBack);
		assertThat(lost).as("tasks lost").isZero();
		assertThat(wrong).as("tasks with a wrong result").isZero();
		// the kill hit tasks in flight, so the suite did test recovery
		assertThat(takenOver).as("tasks taken over from the killed worker").isPositive();
	}

	private static long count(String log, String pattern) {
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(pattern).matcher(log);
		long total = 0;
		while (matcher.find()) {
			total += Long.parseLong(matcher.group(1));
		}
		return total;
	}

	private static void send(TaskClient client, List<TaskRequest> batch, Map<String, Long> expected) {
		if (batch.isEmpty()) {
			return;
		}
		List<String> ids = client.sendAll(batch);
		for (int i = 0; i < ids.size(); i++) {
			expected.put(ids.get(i), ((Number) batch.get(i).args().get(1)).longValue());
		}
		batch.clear();
	}

	/**
	 * Wait until this many distinct tasks have run, read cheaply from the handler's own counts.
	 */
	private void awaitRuns(StringRedisTemplate template, long target) throws InterruptedException {
		long deadline = System.nanoTime() + DEADLINE.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				if (template.opsForHash().size(this.runsKey) >= target) {
					return;
				}
			}
			catch (RuntimeException ex) {
				// Redis is restarting
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("Fewer than " + target + " tasks ran within " + DEADLINE);
	}

	private static long awaitFinished(TaskClient client, Map<String, Long> expected, int target)
			throws InterruptedException {
		long deadline = System.nanoTime() + DEADLINE.toNanos();
		long finished = 0;
		while (System.nanoTime() < deadline) {
			finished = expected.keySet()
				.stream()
				.map((id) -> find(client, id))
				.filter((info) -> info.isPresent() && info.get().status() == TaskStatus.SUCCESS)
				.count();
			if (finished >= target) {
				return finished;
			}
			Thread.sleep(250);
		}
		return finished;
	}

	private static Optional<TaskInfo> find(TaskClient client, String id) {
		for (int attempt = 0; attempt < 100; attempt++) {
			try {
				return client.find(id);
			}
			catch (RuntimeException ex) {
				// Redis is restarting
				sleep(100);
			}
		}
		throw new IllegalStateException("Redis did not come back");
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void log(String message) {
		System.out.println("reliability: " + message);
	}

	/**
	 * A worker JVM.
	 */
	static final class Worker {

		private final int number;

		private final Process process;

		private final Path log;

		private Worker(int number, Process process, Path log) {
			this.number = number;
			this.process = process;
			this.log = log;
		}

		static Worker start(int number, String redisUrl, String prefix) throws IOException {
			Path log = Files.createTempFile("gtask-worker-" + number, ".log");
			String java = ProcessHandle.current().info().command().orElse(
					System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
			Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
					System.getProperty("java.class.path"), ReliabilityWorker.class.getName(),
					"--spring.data.redis.url=" + redisUrl, "--gtask.key-prefix=" + prefix,
					"--gtask.worker.concurrency=8", "--gtask.worker.visibility-timeout=3s",
					"--gtask.worker.reclaim-interval=500ms", "--gtask.worker.shutdown-timeout=1s",
					"--gtask.worker.poll-timeout=300ms", "--gtask.worker.consumer-name=worker-" + number,
					"--logging.level.root=WARN", "--logging.level.io.gtask=INFO")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			return new Worker(number, process, log);
		}

		void awaitStarted() throws IOException, InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (!Files.readString(this.log).contains("Started task container")) {
				if (!this.process.isAlive() || System.nanoTime() > deadline) {
					throw new IllegalStateException("Worker " + this.number + " did not start:\n" + Files.readString(this.log));
				}
				Thread.sleep(100);
			}
		}

		void kill() throws InterruptedException {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}

		void stop() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Worker " + this.number + " did not stop within 20 s");
			}
		}

	}

}
