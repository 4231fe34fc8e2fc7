package io.gtask.sample.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.gtask.core.BatchInfo;
import io.gtask.core.BatchRequest;
import io.gtask.core.QueueInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFlow;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisAsync;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What a chord and a batch cost per member on top of plain tasks: {@code n} plain no-op tasks
 * (default 10,000) are sent and run, then a chord of {@code n} no-op members and a callback, then
 * a batch of {@code n} members and an {@code onComplete} callback, one after another through one
 * worker; for each, the Redis commands (scripts' inner commands included) and Redis CPU per
 * member, measured from {@code INFO commandstats} and {@code INFO cpu}. The last line on stdout
 * is one JSON object.
 */
public final class FlowBenchmark {

	static final String CALLBACK = "bench.count";

	static final String BATCH_CALLBACK = "bench.batch-done";

	private static final int CHUNK = 1000;

	private FlowBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> given = GTaskBenchmark.arguments(args);
		int n = Integer.parseInt(given.getOrDefault("n", "10000"));
		int concurrency = Integer.parseInt(given.getOrDefault("concurrency", "16"));
		String redisUrl = given.getOrDefault("redis-url", "redis://127.0.0.1:6379");
		String prefix = "gtask-flowbench-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("peer", "gtask");
		out.put("flow_n", n);
		try (ConfigurableApplicationContext producer = GTaskBenchmark.boot(redisUrl, prefix, false, concurrency,
				List.of())) {
			RedisConnectionFactory connectionFactory = producer.getBean(RedisConnectionFactory.class);
			RedisAsync redis = new RedisAsync((LettuceConnectionFactory) connectionFactory, Duration.ofSeconds(30));
			WorkMeter meter = new WorkMeter(redis, ProcessHandle.current());
			try (ConfigurableApplicationContext worker = GTaskBenchmark.boot(redisUrl, prefix, true, concurrency,
					List.of())) {
				TaskClient client = producer.getBean(TaskClient.class);
				WorkMeter.Reading start = meter.read();
				plain(client, producer.getBean(TaskQueues.class), n);
				WorkMeter.Reading plain = meter.read();
				String chord = client.flows()
					.start(TaskFlow.chord(TaskFlow.group(members(n)), TaskFlow.task(CALLBACK)));
				Integer counted = client.await(chord, Duration.ofMinutes(10), Integer.class);
				if (counted == null || counted != n) {
					throw new IllegalStateException("The chord's callback counted " + counted + " results, not " + n);
				}
				WorkMeter.Reading chorded = meter.read();
				List<TaskRequest> requests = new ArrayList<>(n);
				for (int i = 0; i < n; i++) {
					requests.add(TaskRequest.of(GTaskBenchmark.TASK).build());
				}
				String batch = client.batches()
					.start(BatchRequest.of(requests).onComplete(TaskRequest.of(BATCH_CALLBACK).build()));
				BatchInfo info = client.batches().await(batch, Duration.ofMinutes(10));
				if (info.succeeded() != n || client.awaitCompletion(info.onCompleteId(), Duration.ofMinutes(1))
					.status() != TaskStatus.SUCCESS) {
					throw new IllegalStateException("The batch ended as " + info);
				}
				WorkMeter.Reading batched = meter.read();
				report(out, "plain", start, plain, n);
				report(out, "chord", plain, chorded, n);
				report(out, "batch", chorded, batched, n);
				out.put("chord_overhead_calls_per_member", round(
						(double) (chorded.redisCalls() - plain.redisCalls() - (plain.redisCalls() - start.redisCalls())) / n, 2));
				out.put("batch_overhead_calls_per_member", round(
						(double) (batched.redisCalls() - chorded.redisCalls() - (plain.redisCalls() - start.redisCalls())) / n, 2));
				out.put("chord_overhead_redis_cpu_us_per_member", round(((chorded.redisCpuSeconds() - plain.redisCpuSeconds())
						- (plain.redisCpuSeconds() - start.redisCpuSeconds())) * 1e6 / n, 1));
				out.put("batch_overhead_redis_cpu_us_per_member", round(((batched.redisCpuSeconds()
						- chorded.redisCpuSeconds()) - (plain.redisCpuSeconds() - start.redisCpuSeconds())) * 1e6 / n, 1));
			}
			finally {
				GTaskBenchmark.deleteKeys(connectionFactory, prefix);
			}
		}
		System.err.println(String.format(Locale.ROOT,
				"[gtask-flows] per member over plain tasks: chord +%s calls, +%s us Redis CPU; batch +%s calls, +%s us",
				out.get("chord_overhead_calls_per_member"), out.get("chord_overhead_redis_cpu_us_per_member"),
				out.get("batch_overhead_calls_per_member"), out.get("batch_overhead_redis_cpu_us_per_member")));
		System.out.println(GTaskBenchmark.json(out));
		System.exit(0);
	}

	private static void plain(TaskClient client, TaskQueues queues, int n) throws InterruptedException {
		List<String> ids = new ArrayList<>(n);
		List<TaskRequest> chunk = new ArrayList<>(CHUNK);
		for (int sent = 0; sent < n; sent += chunk.size()) {
			chunk.clear();
			for (int i = 0; i < Math.min(CHUNK, n - sent); i++) {
				chunk.add(TaskRequest.of(GTaskBenchmark.TASK).build());
			}
			ids.addAll(client.sendAll(chunk));
		}
		// waited for by the queue's counts, a few commands, so that waiting adds nothing per task
		QueueInfo info = queues.info("default");
		while (info.pending() + info.inFlight() > 0) {
			Thread.sleep(20);
			info = queues.info("default");
		}
		String last = ids.get(ids.size() - 1);
		if (client.awaitCompletion(last, Duration.ofMinutes(1)).status() != TaskStatus.SUCCESS) {
			throw new IllegalStateException("Task " + last + " did not succeed");
		}
	}

	private static List<TaskFlow> members(int n) {
		List<TaskFlow> members = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			members.add(TaskFlow.task(GTaskBenchmark.TASK));
		}
		return members;
	}

	private static void report(Map<String, Object> out, String what, WorkMeter.Reading from, WorkMeter.Reading to,
			int n) {
		out.put(what + "_redis_calls_per_member", round((double) (to.redisCalls() - from.redisCalls()) / n, 2));
		out.put(what + "_redis_cpu_us_per_member", round((to.redisCpuSeconds() - from.redisCpuSeconds()) * 1e6 / n, 1));
	}

	private static double round(double value, int digits) {
		double scale = Math.pow(10, digits);
		return Math.round(value * scale) / scale;
	}

}
