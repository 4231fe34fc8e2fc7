package io.gtask.sample.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.gtask.broker.QueueAdmin;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRequest;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;

/**
 * Measures gtask on a Redis server: send rate, drain rate and round-trip latency of no-op
 * tasks, printed as a summary and as one JSON line with the fields of the peer benchmark of
 * Celery, Sidekiq and BullMQ.
 * <p>
 * Two application contexts boot gtask through its auto-configuration as applications would: a
 * producer ({@code gtask.worker.enabled=false}) that sends and waits, and a worker started only
 * when the queue is full, like a worker process started after the fact. Both use a key prefix of
 * their own, and only keys under that prefix are deleted, before and after the run.
 * <ol>
 * <li>Send: {@code single-n} tasks one at a time with {@link TaskClient#send(String, Object...)},
 * then, after deleting them, {@code n} tasks with {@link TaskClient#sendAll(List)} in chunks of
 * 1000, with no worker running.</li>
 * <li>Drain: start the worker and read the stored state of every task until each is SUCCESS; the
 * rate counts from the first stored result, as the peer benchmark counts from the first observed
 * progress.</li>
 * <li>Latency: with the worker idle, 20 warm-up tasks and then {@code lat-n} tasks, one at a
 * time, each sent and awaited with {@link TaskClient#await(String, Duration, Class)}.</li>
 * <li>Delays: {@code delay-n} tasks due at instants spread over two seconds; how long after its
 * due time each started, by the start time its worker recorded.</li>
 * </ol>
 * Options, as {@code --name=value} arguments or {@code -Dbench.name=value} system properties:
 * {@code n} (20000), {@code concurrency} (16), {@code redis-url} (redis://127.0.0.1:6379),
 * {@code lat-n} (200), {@code single-n} (5000), {@code run} (1), {@code key-prefix} (random),
 * {@code delay-n} (200), {@code worker-process} (true: the worker runs in a JVM of its own,
 * whose CPU is read from the operating system), {@code warm-up} (0: before the drain, that many
 * tasks are sent and run, then the queue is paused while the measured tasks are sent and resumed
 * for the drain, so that the drain measures a warm worker), {@code payload} (0: with a size, every
 * measured task but the delayed ones carries one text argument of that many characters, which is
 * what encryption's cost is measured on).
 */
public final class GTaskBenchmark {

	static final String TASK = "bench.noop";

	static final String PAYLOAD_TASK = "bench.payload";

	private static final String QUEUE = "default";

	private static final int CHUNK = 1000;

	private static final int WARM_UP = 20;

	private static final int POLL_CHUNK = 500;

	private static final Pattern SAFE_PREFIX = Pattern.compile("[A-Za-z0-9._-]+");

	private static final byte[] STATUS = RedisAsync.bytes("status");

	private final Options options;

	private final RedisKeyspace keys;

	private final String payload;

	private GTaskBenchmark(Options options) {
		this.options = options;
		this.keys = new RedisKeyspace(options.keyPrefix);
		this.payload = "x".repeat(options.payload);
	}

	/**
	 * The request of one measured task: the no-op task, or with {@code payload} set, a task
	 * whose one argument is a text of that many characters.
	 */
	private TaskRequest request() {
		return (this.options.payload > 0) ? TaskRequest.of(PAYLOAD_TASK).args(this.payload).build()
				: TaskRequest.of(TASK).build();
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		Map<String, Object> result = new GTaskBenchmark(options).run();
		System.out.println(json(result));
		System.exit(0);
	}

	private Map<String, Object> run() throws Exception {
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("peer", "gtask");
		out.put("config", "c=" + this.options.concurrency
				+ ((this.options.warmUp > 0) ? " warm-up=" + this.options.warmUp : "")
				+ ((this.options.payload > 0) ? " payload=" + this.options.payload : ""));
		out.put("run", this.options.run);
		out.put("n", this.options.n);
		try (ConfigurableApplicationContext producer = boot(false)) {
			TaskClient client = producer.getBean(TaskClient.class);
			RedisConnectionFactory connectionFactory = producer.getBean(RedisConnectionFactory.class);
			RedisAsync redis = new RedisAsync((LettuceConnectionFactory) connectionFactory, Duration.ofSeconds(10));
			deleteKeys(connectionFactory);
			try {
				measure(client, producer.getBean(QueueAdmin.class), redis, connectionFactory, out);
			}
			finally {
				deleteKeys(connectionFactory);
			}
		}
		return out;
	}

	private void measure(TaskClient client, QueueAdmin queues, RedisAsync redis,
			RedisConnectionFactory connectionFactory, Map<String, Object> out) throws Exception {
		int n = this.options.n;

		// 1a. one at a time, no worker
		double singleRate = 0;
		if (this.options.singleN > 0) {
			long start = System.nanoTime();
			for (int i = 0; i < this.options.singleN; i++) {
				client.send(request());
			}
			singleRate = this.options.singleN / seconds(System.nanoTime() - start);
			deleteKeys(connectionFactory);
		}

		// 1b. optionally, a worker warmed up on other tasks, its queue paused while the N are sent,
		// as a long-running worker is, where a cold one spends its first seconds compiling
		Worker warmWorker = null;
		if (this.options.warmUp > 0) {
			List<String> warmIds = sendAll(client, this.options.warmUp);
			long warmStart = System.nanoTime();
			warmWorker = startWorker();
			awaitResults(redis, warmIds, warmStart, warmWorker.process());
			queues.setPaused(QUEUE, true);
			log("worker warmed up on %,d tasks in %.2f s; queue paused", this.options.warmUp,
					seconds(System.nanoTime() - warmStart));
		}

		// 1c. in chunks of 1000, no worker running (or its queue paused)
		WorkMeter sendMeter = new WorkMeter(redis, ProcessHandle.current());
		WorkMeter.Reading beforeSend = sendMeter.read();
		long enqueueStart = System.nanoTime();
		List<String> ids = sendAll(client, n);
		double enqueueSeconds = seconds(System.nanoTime() - enqueueStart);
		WorkMeter.Reading afterSend = sendMeter.read();
		log("sent %,d one at a time at %,.0f/s; %,d in chunks of %d in %.2f s (%,.0f/s)", this.options.singleN,
				singleRate, n, CHUNK, enqueueSeconds, n / enqueueSeconds);

		// 2. drain: start the worker (or resume its queue), wait until every result is stored
		long bootStart = System.nanoTime();
		if (warmWorker != null) {
			queues.setPaused(QUEUE, false);
		}
		try (Worker worker = (warmWorker != null) ? warmWorker : startWorker()) {
			double bootSeconds = seconds(System.nanoTime() - bootStart);
			Drain drain = awaitResults(redis, ids, bootStart, worker.process());
			double drainSeconds = seconds(drain.end - drain.firstProgress);
			double drainRate = (n - drain.doneAtFirstProgress) / drainSeconds;
			double totalRate = n / seconds(drain.end - bootStart);
			double startup = seconds(drain.firstProgress - bootStart);
			log("worker context started in %.2f s; first result after %.3f s; drained in %.2f s incl. start "
					+ "(%,.0f/s), %,.0f/s from the first result", bootSeconds, startup,
					seconds(drain.end - bootStart), totalRate, drainRate);

			// 3. latency, worker idle
			double[] latencies = latency(client);
			double p50 = median(latencies);
			double p99 = percentile(latencies, 99);
			log("latency send -> SUCCESS over %d tasks: p50 %.3f ms, p99 %.3f ms, max %.3f ms", latencies.length,
					p50, p99, latencies[latencies.length - 1]);

			// 4. delayed tasks: how late after their due time they start
			double[] lateness = delayLateness(client);
			log("delayed tasks: start after due time over %d tasks: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
					lateness.length, median(lateness), percentile(lateness, 99), lateness[lateness.length - 1]);

			out.put("enqueue_s", round(enqueueSeconds, 4));
			out.put("enqueue_rate", round(n / enqueueSeconds, 1));
			// the batched send: Redis CPU and calls per task sent (the two INFO reads are left in)
			out.put("send_redis_cpu_us_per_task",
					round((afterSend.redisCpuSeconds() - beforeSend.redisCpuSeconds()) * 1e6 / n, 1));
			out.put("send_redis_calls_per_task", round((afterSend.redisCalls() - beforeSend.redisCalls()) / (double) n, 2));
			out.put("enqueue_single_rate", round(singleRate, 1));
			out.put("startup_s", round(startup, 3));
			out.put("drain_s", round(drainSeconds, 4));
			out.put("drain_rate", round(drainRate, 1));
			out.put("drain_total_rate", round(totalRate, 1));
			int drained = n - drain.doneAtFirstProgress();
			WorkMeter.Reading first = drain.atFirstProgress();
			WorkMeter.Reading last = drain.atEnd();
			// the worker's own process, unless --worker-process=false; the poller's reads are taken out of the calls
			out.put("worker_cpu_us_per_task", (first.processCpuNanos() < 0) ? null
					: round((last.processCpuNanos() - first.processCpuNanos()) / 1000.0 / drained, 1));
			out.put("redis_cpu_us_per_task", round((last.redisCpuSeconds() - first.redisCpuSeconds()) * 1e6 / drained, 1));
			log("over the drain, per task: %s µs of CPU in the worker process, %s µs of Redis CPU, %s Redis calls",
					out.get("worker_cpu_us_per_task"), out.get("redis_cpu_us_per_task"),
					round((last.redisCalls() - first.redisCalls() - drain.pollCallsAfterFirstProgress()) / (double) drained, 2));
			out.put("redis_calls_per_task",
					round((last.redisCalls() - first.redisCalls() - drain.pollCallsAfterFirstProgress()) / (double) drained, 2));
			out.put("worker_context_start_s", round(bootSeconds, 3));
			out.put("lat_native", true);
			out.put("lat_method", "TaskClient.await");
			out.put("lat_n", latencies.length);
			out.put("lat_p50_ms", round(p50, 3));
			out.put("lat_p99_ms", round(p99, 3));
			out.put("delay_n", lateness.length);
			out.put("delay_late_p50_ms", round(median(lateness), 1));
			out.put("delay_late_p99_ms", round(percentile(lateness, 99), 1));
			out.put("delay_late_max_ms", round(lateness[lateness.length - 1], 1));
		}
	}

	/**
	 * Read the status field of the oldest tasks not yet seen finished, in one pipeline, every 10 ms
	 * until all are SUCCESS. The number read adapts to the progress, so that polling adds little
	 * load on Redis: one state while the oldest is unfinished, up to 500 when all were finished.
	 */
	private Drain awaitResults(RedisAsync redis, List<String> ids, long since, ProcessHandle worker)
			throws InterruptedException {
		byte[][] taskKeys = new byte[ids.size()][];
		for (int i = 0; i < taskKeys.length; i++) {
			taskKeys[i] = RedisAsync.bytes(this.keys.task(ids.get(i)));
		}
		long deadline = since + TimeUnit.SECONDS.toNanos(this.options.timeoutSeconds);
		int done = 0;
		long firstProgress = 0;
		int doneAtFirstProgress = 0;
		int chunk = 1;
		WorkMeter meter = new WorkMeter(redis, worker);
		WorkMeter.Reading atFirstProgress = null;
		long pollCalls = 0;
		while (done < taskKeys.length) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Only " + done + " of " + taskKeys.length + " tasks finished within "
						+ this.options.timeoutSeconds + " s");
			}
			int from = done;
			int to = Math.min(taskKeys.length, from + chunk);
			List<byte[]> states = redis.execute((commands) -> {
				List<CompletableFuture<byte[]>> stages = new ArrayList<>(to - from);
				for (int i = from; i < to; i++) {
					stages.add(commands.hget(taskKeys[i], STATUS).toCompletableFuture());
				}
				return RedisAsync.all(stages)
					.thenApply((ignored) -> stages.stream().map(CompletableFuture::join).toList());
			});
			long now = System.nanoTime();
			if (atFirstProgress != null) {
				// the poller's own reads, to be taken out of the calls Redis counted
				pollCalls += to - from;
			}
			int finished = 0;
			for (byte[] state : states) {
				String status = (state != null) ? RedisAsync.string(state) : "UNKNOWN";
				if (status.equals("FAILURE") || status.equals("UNKNOWN")) {
					throw new IllegalStateException("Task " + ids.get(from + finished) + " is " + status);
				}
				if (!status.equals("SUCCESS")) {
					break;
				}
				finished++;
			}
			if (finished > 0 && firstProgress == 0) {
				firstProgress = now;
				doneAtFirstProgress = from + finished;
				atFirstProgress = meter.read();
			}
			done = from + finished;
			// poll every 10 ms like the peer harness, reading about what finished since the last poll
			chunk = (finished < states.size()) ? Math.min(POLL_CHUNK, Math.max(1, 2 * finished))
					: Math.min(POLL_CHUNK, 2 * chunk);
			if (done < taskKeys.length) {
				Thread.sleep(10);
			}
			if (done == taskKeys.length) {
				WorkMeter.Reading atEnd = meter.read();
				return new Drain(firstProgress, doneAtFirstProgress, now,
						(atFirstProgress != null) ? atFirstProgress : atEnd, atEnd, pollCalls);
			}
		}
		WorkMeter.Reading atEnd = meter.read();
		return new Drain(firstProgress, doneAtFirstProgress, System.nanoTime(),
				(atFirstProgress != null) ? atFirstProgress : atEnd, atEnd, pollCalls);
	}

	/**
	 * Send tasks due at spread-out instants over two seconds and measure how long after its due
	 * time each one started, by the start time its worker recorded.
	 */
	private double[] delayLateness(TaskClient client) {
		int count = this.options.delayN;
		List<String> ids = new ArrayList<>(count);
		List<Instant> due = new ArrayList<>(count);
		Instant base = Instant.now().plusMillis(500);
		for (int i = 0; i < count; i++) {
			Instant eta = base.plusMillis((2000L * i) / count + (i * 7L) % 13);
			due.add(eta);
			ids.add(client.send(TaskRequest.of(TASK).eta(eta).build()));
		}
		double[] lateness = new double[count];
		for (int i = 0; i < count; i++) {
			TaskInfo info = client.awaitCompletion(ids.get(i), Duration.ofSeconds(30));
			Instant started = (info.startedAt() != null) ? info.startedAt() : info.finishedAt();
			lateness[i] = Duration.between(due.get(i), started).toNanos() / 1e6;
		}
		Arrays.sort(lateness);
		return lateness;
	}

	private double[] latency(TaskClient client) {
		double[] latencies = new double[this.options.latN];
		Duration timeout = Duration.ofSeconds(10);
		for (int i = 0; i < WARM_UP + this.options.latN; i++) {
			long start = System.nanoTime();
			String id = client.send(request());
			String result = client.await(id, timeout, String.class);
			long end = System.nanoTime();
			if (!"ok".equals(result)) {
				throw new IllegalStateException("Task " + id + " returned " + result);
			}
			if (i >= WARM_UP) {
				latencies[i - WARM_UP] = (end - start) / 1e6;
			}
		}
		Arrays.sort(latencies);
		return latencies;
	}

	/**
	 * Delete every key under this run's prefix, and nothing else.
	 */
	private void deleteKeys(RedisConnectionFactory connectionFactory) {
		deleteKeys(connectionFactory, this.options.keyPrefix);
	}

	/**
	 * Delete the keys of a run, and no other.
	 * @param connectionFactory the connections
	 * @param keyPrefix the key prefix of the run
	 */
	static void deleteKeys(RedisConnectionFactory connectionFactory, String keyPrefix) {
		ScanOptions scan = ScanOptions.scanOptions().match(keyPrefix + ":*").count(1000).build();
		try (RedisConnection connection = connectionFactory.getConnection();
				Cursor<byte[]> cursor = connection.keyCommands().scan(scan)) {
			List<byte[]> batch = new ArrayList<>(1000);
			while (cursor.hasNext()) {
				batch.add(cursor.next());
				if (batch.size() == 1000) {
					connection.keyCommands().unlink(batch.toArray(new byte[0][]));
					batch.clear();
				}
			}
			if (!batch.isEmpty()) {
				connection.keyCommands().unlink(batch.toArray(new byte[0][]));
			}
		}
	}

	private List<String> sendAll(TaskClient client, int n) {
		List<TaskRequest> chunk = new ArrayList<>(CHUNK);
		List<String> ids = new ArrayList<>(n);
		for (int sent = 0; sent < n; sent += chunk.size()) {
			chunk.clear();
			for (int i = 0; i < Math.min(CHUNK, n - sent); i++) {
				chunk.add(request());
			}
			ids.addAll(client.sendAll(chunk));
		}
		return ids;
	}

	/**
	 * The worker of the drain: a process of its own by default, or a context in this JVM with
	 * {@code --worker-process=false}.
	 */
	private Worker startWorker() throws java.io.IOException {
		if (!this.options.workerProcess) {
			ConfigurableApplicationContext context = boot(true);
			return new Worker(ProcessHandle.current(), context::close);
		}
		BenchmarkWorker process = BenchmarkWorker.start(this.options.redisUrl, this.options.keyPrefix,
				this.options.concurrency, workerProperties());
		return new Worker(process.handle(), process::close);
	}

	private List<String> workerProperties() {
		List<String> extra = new ArrayList<>();
		if (this.options.batchSize != null) {
			extra.add("--gtask.worker.batch-size=" + this.options.batchSize);
		}
		// gtask settings given to this JVM (-Dgtask....) apply to the worker process too
		System.getProperties().stringPropertyNames().stream().filter((name) -> name.startsWith("gtask.")).sorted()
			.forEach((name) -> extra.add("--" + name + "=" + System.getProperty(name)));
		return extra;
	}

	private record Worker(ProcessHandle process, Stop stop) implements AutoCloseable {

		@Override
		public void close() throws Exception {
			this.stop.stop();
		}

		interface Stop {

			void stop() throws Exception;

		}

	}

	private ConfigurableApplicationContext boot(boolean worker) {
		return boot(this.options.redisUrl, this.options.keyPrefix, worker, this.options.concurrency,
				workerProperties());
	}

	/**
	 * Boot gtask as an application does, as a producer or a worker of the benchmark's task.
	 * @param redisUrl the Redis server
	 * @param keyPrefix the key prefix of the run
	 * @param worker whether the context runs a worker
	 * @param concurrency the worker's concurrency
	 * @param extra more {@code --name=value} properties
	 * @return the running context
	 */
	static ConfigurableApplicationContext boot(String redisUrl, String keyPrefix, boolean worker, int concurrency,
			List<String> extra) {
		List<String> args = new ArrayList<>(List.of("--spring.config.name=gtask-benchmark",
				"--spring.main.banner-mode=off", "--spring.main.log-startup-info=false",
				"--logging.level.root=WARN", "--logging.level.io.gtask=WARN",
				"--logging.level.org.springframework=WARN", "--spring.data.redis.url=" + redisUrl,
				"--gtask.key-prefix=" + keyPrefix, "--gtask.worker.enabled=" + worker,
				"--gtask.worker.concurrency=" + concurrency,
				// the sample has Actuator, whose observation registry makes Spring Boot observe every
				// Lettuce command; that is Boot's instrumentation of Redis, not gtask's, and it is off
				// here so that the benchmark measures gtask (its own metrics stay on)
				"--spring.autoconfigure.exclude="
						+ "org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration"));
		args.addAll(extra);
		return new SpringApplicationBuilder(BenchmarkApplication.class).web(WebApplicationType.NONE)
			.registerShutdownHook(false)
			.run(args.toArray(new String[0]));
	}

	private static double seconds(long nanos) {
		return nanos / 1e9;
	}

	private static double median(double[] sorted) {
		int n = sorted.length;
		return (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

	/**
	 * Nearest-rank percentile.
	 */
	private static double percentile(double[] sorted, int p) {
		int rank = (int) Math.ceil(p / 100.0 * sorted.length);
		return sorted[Math.max(0, rank - 1)];
	}

	private static double round(double value, int digits) {
		double scale = Math.pow(10, digits);
		return Math.round(value * scale) / scale;
	}

	private static void log(String format, Object... args) {
		System.err.println("[gtask] " + String.format(Locale.ROOT, format, args));
	}

	/**
	 * The {@code --name=value} arguments of a benchmark by name.
	 */
	static Map<String, String> arguments(String[] args) {
		Map<String, String> given = new LinkedHashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || arg.indexOf('=') < 0) {
				throw new IllegalArgumentException("Expected --name=value, got '" + arg + "'");
			}
			given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		return given;
	}

	static String json(Map<String, Object> fields) {
		StringBuilder json = new StringBuilder("{");
		fields.forEach((name, value) -> {
			if (json.length() > 1) {
				json.append(", ");
			}
			json.append('"').append(name).append("\": ");
			json.append((value instanceof String) ? "\"" + value + "\"" : value);
		});
		return json.append('}').toString();
	}

	private record Drain(long firstProgress, int doneAtFirstProgress, long end, WorkMeter.Reading atFirstProgress,
			WorkMeter.Reading atEnd, long pollCallsAfterFirstProgress) {
	}

	private record Options(int n, int concurrency, String redisUrl, int latN, int singleN, int run, String keyPrefix,
			int timeoutSeconds, @Nullable Integer batchSize, int delayN, boolean workerProcess, int warmUp,
			int payload) {

		static Options parse(String[] args) {
			Map<String, String> given = arguments(args);
			String prefix = option(given, "key-prefix",
					"gtask-bench-" + UUID.randomUUID().toString().substring(0, 8));
			if (!SAFE_PREFIX.matcher(prefix).matches()) {
				throw new IllegalArgumentException("key-prefix may hold only letters, digits, '.', '_' and '-'");
			}
			String batchSize = option(given, "batch-size", "");
			return new Options(Integer.parseInt(option(given, "n", "20000")),
					Integer.parseInt(option(given, "concurrency", "16")),
					option(given, "redis-url", "redis://127.0.0.1:6379"),
					Integer.parseInt(option(given, "lat-n", "200")),
					Integer.parseInt(option(given, "single-n", "5000")), Integer.parseInt(option(given, "run", "1")),
					prefix, Integer.parseInt(option(given, "timeout-seconds", "300")),
					batchSize.isEmpty() ? null : Integer.valueOf(batchSize),
					Integer.parseInt(option(given, "delay-n", "200")),
					Boolean.parseBoolean(option(given, "worker-process", "true")),
					Integer.parseInt(option(given, "warm-up", "0")),
					Integer.parseInt(option(given, "payload", "0")));
		}

		private static String option(Map<String, String> given, String name, String fallback) {
			String value = given.get(name);
			return (value != null) ? value : System.getProperty("bench." + name, fallback);
		}

	}

	/**
	 * The application both contexts run. Deliberately not a {@code @SpringBootConfiguration}:
	 * this package lies under the sample application's, whose component scan must not pick up
	 * the benchmark's handler and configuration.
	 */
	@EnableAutoConfiguration
	static class BenchmarkApplication {

		@Bean
		NoopTask benchmarkNoopTask() {
			return new NoopTask();
		}

	}

	/**
	 * The task every benchmark sends.
	 */
	public static class NoopTask {

		@TaskHandler(TASK)
		public String noop() {
			return "ok";
		}

		/**
		 * The task of runs with a {@code payload}: its argument is read and dropped.
		 */
		@TaskHandler(PAYLOAD_TASK)
		public String payload(String text) {
			return "ok";
		}

		/**
		 * The callback of the flow benchmark's chord: the number of results it was given.
		 */
		@TaskHandler(FlowBenchmark.CALLBACK)
		public int count(java.util.List<Object> results) {
			return results.size();
		}

		/**
		 * The callback of the flow benchmark's batch.
		 */
		@TaskHandler(FlowBenchmark.BATCH_CALLBACK)
		public String batchDone(String batchId) {
			return batchId;
		}

	}

}
