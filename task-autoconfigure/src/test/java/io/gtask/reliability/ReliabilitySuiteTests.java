package io.gtask.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.autoconfigure.GTaskJdbcBackendAutoConfiguration;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskSendOutcomeUnknownException;
import io.gtask.core.TaskStatus;
import io.gtask.test.RedisProcess;
import io.gtask.test.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos: tasks of random length flow for a minute from a sender to worker processes (separate
 * JVMs) on a redis-server of its own, while a worker is killed with SIGKILL every few seconds,
 * another is stopped gracefully, and Redis is restarted (append-only file on) or, in durable mode,
 * emptied with FLUSHALL. Then every accepted task must end SUCCESS with its value, none may be
 * left unfinished, no task may run twice unless a crash or Redis loss cut its earlier run short,
 * a send that said nothing was queued must not have run, and no worker may log a warning or an
 * error once its graceful shutdown started.
 * <p>
 * Tagged {@code reliability}: {@code ./mvnw -pl task-autoconfigure test -Dgroups=reliability}
 * runs it alone.
 */
@Tag("reliability")
class ReliabilitySuiteTests {

	private static final Duration CHAOS = Duration.ofSeconds(Long.getLong("gtask.chaos.seconds", 60));

	private static final Duration KILL_EVERY = Duration.ofSeconds(5);

	private static final Duration DEADLINE = Duration.ofMinutes(3);

	private static final Pattern TROUBLE = Pattern.compile("^\\S+\\s+(WARN|ERROR)\\s", Pattern.MULTILINE);

	private final String prefix = "gtask-chaos-" + UUID.randomUUID().toString().substring(0, 8);

	private final String logKey = this.prefix + ":runs";

	private final RunJournal journal = new RunJournal();

	private final List<Worker> workers = new ArrayList<>();

	private final List<Worker> allWorkers = new ArrayList<>();

	private int nextWorker = 1;

	@Test
	void noTaskIsLostOrRunTwiceThroughWorkerKillsRedisRestartsAndShutdowns() throws Exception {
		try (RedisProcess redis = RedisProcess.start("--appendonly", "yes", "--appendfsync", "always")) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
						JacksonAutoConfiguration.class, GTaskAutoConfiguration.class))
				.withPropertyValues("spring.data.redis.url=" + redis.url(), "gtask.key-prefix=" + this.prefix,
						"gtask.worker.enabled=false")
				.run((context) -> chaos(redis, context.getBean(TaskClient.class), List.of(), (second) -> {
					if (second == CHAOS.toSeconds() / 3 || second == (CHAOS.toSeconds() * 2) / 3) {
						long from = System.currentTimeMillis();
						// a crash first (the append-only file is written on every command), then a clean stop
						boolean crash = second == CHAOS.toSeconds() / 3;
						log((crash ? "killing Redis with SIGKILL" : "stopping Redis") + " and starting it again");
						if (crash) {
							redis.kill();
						}
						else {
							redis.stop();
						}
						sleep(1000);
						redis.start();
						this.journal.redisLost(from, System.currentTimeMillis());
					}
				}));
		}
	}

	@Test
	void durableModeLosesNothingThroughWorkerKillsAndAFlushedRedis() throws Exception {
		String tablePrefix = "gtask_c" + UUID.randomUUID().toString().substring(0, 8) + "_";
		List<String> durable = List.of("--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test",
				"--spring.datasource.username=postgres", "--gtask.backend.type=jdbc",
				"--gtask.backend.jdbc.table-prefix=" + tablePrefix, "--gtask.backend.jdbc.initialize-schema=never",
				"--gtask.durable.enabled=true", "--gtask.durable.reaper.period=1s",
				"--gtask.durable.reaper.timeout=5s");
		try (RedisProcess redis = RedisProcess.start("--appendonly", "no")) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
						JacksonAutoConfiguration.class, DataSourceAutoConfiguration.class, GTaskAutoConfiguration.class,
						GTaskJdbcBackendAutoConfiguration.class))
				.withPropertyValues("spring.data.redis.url=" + redis.url(), "gtask.key-prefix=" + this.prefix,
						"gtask.worker.enabled=false", "gtask.backend.jdbc.initialize-schema=always")
				.withPropertyValues(durable.stream().map((arg) -> arg.substring(2))
					.filter((arg) -> !arg.startsWith("gtask.backend.jdbc.initialize-schema"))
					.toArray(String[]::new))
				.run((context) -> {
					try {
						chaos(redis, context.getBean(TaskClient.class), durable, (second) -> {
							if (second == CHAOS.toSeconds() / 2) {
								long from = System.currentTimeMillis();
								log("emptying Redis with FLUSHALL");
								try (RedisClient client = RedisClient.create(redis.url());
										StatefulRedisConnection<String, String> connection = client.connect()) {
									connection.sync().flushall();
								}
								this.journal.redisLost(from, System.currentTimeMillis());
							}
						});
					}
					finally {
						context.getBean(javax.sql.DataSource.class)
							.getConnection()
							.createStatement()
							.execute("drop table if exists " + tablePrefix + "task");
					}
				});
		}
	}

	private void chaos(RedisProcess redis, TaskClient client, List<String> workerArgs, Consumer<Long> redisChaos)
			throws Exception {
		Random random = new Random(11);
		for (int i = 0; i < 3; i++) {
			startWorker(redis, workerArgs);
		}
		for (Worker worker : this.workers) {
			worker.awaitStarted();
		}
		Sender sender = new Sender(client);
		List<Thread> sending = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			Thread thread = new Thread(sender, "chaos-sender-" + i);
			thread.start();
			sending.add(thread);
		}
		long start = System.nanoTime();
		long second = 0;
		try {
			while (System.nanoTime() - start < CHAOS.toNanos()) {
				Thread.sleep(1000);
				second++;
				if (second % KILL_EVERY.toSeconds() == 0) {
					Worker victim = this.workers.remove(random.nextInt(this.workers.size()));
					log("killing worker " + victim.number + " with SIGKILL");
					victim.kill();
					this.journal.killed(victim.number, System.currentTimeMillis());
					startWorker(redis, workerArgs);
				}
				if (second == CHAOS.toSeconds() / 2 + 2) {
					Worker stopped = this.workers.remove(0);
					log("stopping worker " + stopped.number + " gracefully (SIGTERM)");
					stopped.stop();
					this.journal.stopped(stopped.number, System.currentTimeMillis());
					startWorker(redis, workerArgs);
				}
				redisChaos.accept(second);
			}
		}
		finally {
			sender.running.set(false);
			for (Thread thread : sending) {
				thread.join();
			}
		}
		log("sent " + sender.accepted.size() + " tasks, " + sender.refused.size() + " refused, "
				+ sender.unknown.size() + " with an unknown outcome; waiting for the rest");
		Map<String, Long> accepted = sender.accepted;
		long finished = awaitFinished(client, accepted);
		for (Worker worker : List.copyOf(this.workers)) {
			worker.stop();
			this.journal.stopped(worker.number, System.currentTimeMillis());
		}
		List<String> lines;
		try (RedisClient logClient = RedisClient.create(TestRedis.get().url());
				StatefulRedisConnection<String, String> connection = logClient.connect()) {
			lines = connection.sync().lrange(this.logKey, 0, -1);
			connection.sync().del(this.logKey);
		}
		this.journal.read(lines);
		int wrong = 0;
		List<String> unfinished = new ArrayList<>();
		for (Map.Entry<String, Long> entry : accepted.entrySet()) {
			Optional<TaskInfo> info = find(client, entry.getKey());
			if (info.isEmpty() || info.get().status() != TaskStatus.SUCCESS) {
				unfinished.add(entry.getKey() + " (" + info.map(TaskInfo::status).orElse(null) + ")");
			}
			else if (!String.valueOf(entry.getValue() * 2).equals(info.get().result())) {
				wrong++;
			}
		}
		List<Long> refusedButRan = sender.refused.values().stream().filter(this.journal::ran).toList();
		List<String> unknownHalfDone = new ArrayList<>();
		sender.unknown.forEach((id, n) -> {
			Optional<TaskInfo> info = find(client, id);
			if (this.journal.ran(n) && (info.isEmpty() || info.get().status() != TaskStatus.SUCCESS)) {
				unknownHalfDone.add(id);
			}
		});
		List<String> repeats = this.journal.unexplainedRepeats();
		List<String> troubleAfterShutdown = new ArrayList<>();
		long takenOver = 0;
		for (Worker worker : this.allWorkers) {
			String log = Files.readString(worker.log);
			takenOver += count(log, "Put back (\\d+) task");
			int shutdown = log.indexOf(ReliabilityWorker.SHUTDOWN_STARTED);
			if (shutdown >= 0 && !worker.killed) {
				Matcher matcher = TROUBLE.matcher(log.substring(shutdown));
				while (matcher.find()) {
					int end = log.indexOf('\n', shutdown + matcher.start());
					troubleAfterShutdown.add("worker " + worker.number + ": "
							+ log.substring(shutdown + matcher.start(), (end > 0) ? end : log.length()));
				}
			}
		}
		System.out.printf("chaos: %d s, %d workers started, %d killed; accepted %d, finished %d, unfinished %d, "
				+ "wrong result %d, refused %d (ran anyway %d), unknown outcome %d (ran but unfinished %d), "
				+ "runs %d, tasks run more than once %d (unexplained %d), taken over %d, trouble after shutdown %d%n",
				CHAOS.toSeconds(), this.allWorkers.size(), this.allWorkers.stream().filter((w) -> w.killed).count(),
				accepted.size(), finished, unfinished.size(), wrong, sender.refused.size(), refusedButRan.size(),
				sender.unknown.size(), unknownHalfDone.size(), this.journal.runCount(), this.journal.repeated(),
				repeats.size(), takenOver, troubleAfterShutdown.size());
		for (Worker worker : this.allWorkers) {
			worker.kill();
		}
		assertThat(unfinished).as("accepted tasks not ended SUCCESS").isEmpty();
		assertThat(wrong).as("tasks with a wrong result").isZero();
		assertThat(refusedButRan).as("tasks refused by send that ran anyway").isEmpty();
		assertThat(unknownHalfDone).as("tasks of unknown outcome that ran but did not finish").isEmpty();
		assertThat(repeats).as("tasks run twice though no crash cut their run short").isEmpty();
		assertThat(troubleAfterShutdown).as("warnings and errors after a graceful shutdown started").isEmpty();
		assertThat(takenOver).as("tasks taken over from killed workers").isPositive();
	}

	private void startWorker(RedisProcess redis, List<String> args) throws IOException {
		Worker worker = Worker.start(this.nextWorker++, redis.url(), this.prefix, this.logKey, args);
		this.workers.add(worker);
		this.allWorkers.add(worker);
	}

	private static long count(String log, String pattern) {
		Matcher matcher = Pattern.compile(pattern).matcher(log);
		long total = 0;
		while (matcher.find()) {
			total += Long.parseLong(matcher.group(1));
		}
		return total;
	}

	private static long awaitFinished(TaskClient client, Map<String, Long> expected) throws InterruptedException {
		long deadline = System.nanoTime() + DEADLINE.toNanos();
		Map<String, Long> left = new ConcurrentHashMap<>(expected);
		while (System.nanoTime() < deadline) {
			left.keySet().removeIf((id) -> find(client, id).map((info) -> info.status() == TaskStatus.SUCCESS).orElse(false));
			if (left.isEmpty()) {
				break;
			}
			Thread.sleep(500);
		}
		return expected.size() - left.size();
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
		throw new IllegalStateException("The result backend did not answer");
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
		System.out.println("chaos: " + message);
	}

	/**
	 * Sends tasks of 10 to 200 ms one by one from each thread, at most 100 a second each, and sorts them by what the
	 * send said: accepted, refused (nothing queued) or of unknown outcome.
	 */
	private static final class Sender implements Runnable {

		final AtomicBoolean running = new AtomicBoolean(true);

		final Map<String, Long> accepted = new ConcurrentHashMap<>();

		final Map<String, Long> refused = new ConcurrentHashMap<>();

		final Map<String, Long> unknown = new ConcurrentHashMap<>();

		private final TaskClient client;

		private final java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();

		Sender(TaskClient client) {
			this.client = client;
		}

		@Override
		public void run() {
			Random random = new Random(Thread.currentThread().getName().hashCode());
			while (this.running.get()) {
				for (int i = 0; i < 10; i++) {
					long n = this.next.getAndIncrement();
					String id = UUID.randomUUID().toString();
					try {
						this.client.send(TaskRequest.of("chaos")
							.id(id)
							.priority(random.nextInt(10))
							.args(n, 10L + random.nextInt(190))
							.build());
						this.accepted.put(id, n);
					}
					catch (TaskSendException ex) {
						(isOutcomeUnknown(ex) ? this.unknown : this.refused).put(id, n);
					}
				}
				sleep(100);
			}
		}

		private static boolean isOutcomeUnknown(TaskSendException ex) {
			return ex instanceof TaskSendOutcomeUnknownException;
		}

	}

	/**
	 * A worker JVM.
	 */
	static final class Worker {

		private final int number;

		private final Process process;

		private final Path log;

		private boolean killed;

		private Worker(int number, Process process, Path log) {
			this.number = number;
			this.process = process;
			this.log = log;
		}

		static Worker start(int number, String redisUrl, String prefix) throws IOException {
			return start(number, redisUrl, prefix, "", List.of());
		}

		static Worker start(int number, String redisUrl, String prefix, String logKey, List<String> extraArgs)
				throws IOException {
			Path log = Files.createTempFile("gtask-worker-" + number, ".log");
			String java = ProcessHandle.current().info().command().orElse(
					System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
			List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
					"-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), ReliabilityWorker.class.getName(),
					"--spring.data.redis.url=" + redisUrl, "--gtask.key-prefix=" + prefix,
					"--gtask.worker.concurrency=8", "--gtask.worker.visibility-timeout=3s",
					"--gtask.worker.reclaim-interval=500ms", "--gtask.worker.shutdown-timeout=1s",
					"--gtask.worker.poll-timeout=300ms", "--gtask.worker.consumer-name=worker-" + number,
					"--chaos.worker=" + number, "--chaos.log-url=" + TestRedis.get().url(), "--chaos.log-key=" + logKey,
					"--logging.level.root=WARN", "--logging.level.io.gtask=INFO",
					"--logging.level.io.gtask.reliability=INFO"));
			command.addAll(extraArgs);
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			return new Worker(number, process, log);
		}

		int number() {
			return this.number;
		}

		void awaitStarted() throws IOException, InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (!Files.readString(this.log).contains("Started task container")) {
				if (!this.process.isAlive() || System.nanoTime() > deadline) {
					throw new IllegalStateException(
							"Worker " + this.number + " did not start:\n" + Files.readString(this.log));
				}
				Thread.sleep(100);
			}
		}

		void kill() throws InterruptedException {
			if (this.process.isAlive()) {
				this.killed = true;
			}
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}

		void stop() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Worker " + this.number + " did not stop within 30 s");
			}
		}

	}

}
