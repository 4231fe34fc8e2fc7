package io.gtask.sample.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

import io.gtask.core.QueueInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisAsync;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What fair groups cost per task on top of plain tasks: {@code n} plain no-op tasks (default
 * 10,000) are sent and run, then {@code n} no-op tasks spread round-robin over {@code groups}
 * groups (default 100), then the same again through a worker with a concurrency limit of each
 * group, one after another; for each, the Redis commands (scripts' inner commands included),
 * Redis CPU and the worker's CPU per task, measured from {@code INFO commandstats},
 * {@code INFO cpu} and the process. The last line on stdout is one JSON object.
 */
public final class GroupBenchmark {

	private static final int CHUNK = 1000;

	private GroupBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> given = GTaskBenchmark.arguments(args);
		int n = Integer.parseInt(given.getOrDefault("n", "10000"));
		int concurrency = Integer.parseInt(given.getOrDefault("concurrency", "16"));
		int groups = Integer.parseInt(given.getOrDefault("groups", "100"));
		String redisUrl = given.getOrDefault("redis-url", "redis://127.0.0.1:6379");
		String prefix = "gtask-groupbench-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("peer", "gtask");
		out.put("group_n", n);
		out.put("groups", groups);
		try (ConfigurableApplicationContext producer = GTaskBenchmark.boot(redisUrl, prefix, false, concurrency,
				List.of())) {
			RedisConnectionFactory connectionFactory = producer.getBean(RedisConnectionFactory.class);
			RedisAsync redis = new RedisAsync((LettuceConnectionFactory) connectionFactory, Duration.ofSeconds(30));
			WorkMeter meter = new WorkMeter(redis, ProcessHandle.current());
			TaskClient client = producer.getBean(TaskClient.class);
			TaskQueues queues = producer.getBean(TaskQueues.class);
			try {
				WorkMeter.Reading start;
				WorkMeter.Reading plain;
				WorkMeter.Reading grouped;
				try (ConfigurableApplicationContext worker = GTaskBenchmark.boot(redisUrl, prefix, true, concurrency,
						List.of())) {
					start = meter.read();
					run(client, queues, n, (i) -> TaskRequest.of(GTaskBenchmark.TASK).build());
					plain = meter.read();
					run(client, queues, n,
							(i) -> TaskRequest.of(GTaskBenchmark.TASK).group("tenant-" + (i % groups)).build());
					grouped = meter.read();
				}
				WorkMeter.Reading limitedStart;
				WorkMeter.Reading limited;
				try (ConfigurableApplicationContext worker = GTaskBenchmark.boot(redisUrl, prefix, true, concurrency,
						List.of("--gtask.groups.concurrency=2"))) {
					limitedStart = meter.read();
					run(client, queues, n,
							(i) -> TaskRequest.of(GTaskBenchmark.TASK).group("tenant-" + (i % groups)).build());
					limited = meter.read();
				}
				report(out, "plain", start, plain, n);
				report(out, "grouped", plain, grouped, n);
				report(out, "grouped_limited", limitedStart, limited, n);
				out.put("grouped_overhead_calls_per_task", round(
						(double) ((grouped.redisCalls() - plain.redisCalls()) - (plain.redisCalls() - start.redisCalls())) / n,
						2));
				out.put("grouped_overhead_redis_cpu_us_per_task", round(((grouped.redisCpuSeconds()
						- plain.redisCpuSeconds()) - (plain.redisCpuSeconds() - start.redisCpuSeconds())) * 1e6 / n, 1));
				out.put("limited_overhead_calls_per_task", round(((double) (limited.redisCalls()
						- limitedStart.redisCalls()) - (plain.redisCalls() - start.redisCalls())) / n, 2));
			}
			finally {
				GTaskBenchmark.deleteKeys(connectionFactory, prefix);
			}
		}
		System.err.println(String.format(Locale.ROOT,
				"[gtask-groups] per task over plain tasks: grouped +%s calls, +%s us Redis CPU; with a group limit +%s calls",
				out.get("grouped_overhead_calls_per_task"), out.get("grouped_overhead_redis_cpu_us_per_task"),
				out.get("limited_overhead_calls_per_task")));
		System.out.println(GTaskBenchmark.json(out));
		System.exit(0);
	}

	private static void run(TaskClient client, TaskQueues queues, int n, IntFunction<TaskRequest> request)
			throws InterruptedException {
		List<String> ids = new ArrayList<>(n);
		List<TaskRequest> chunk = new ArrayList<>(CHUNK);
		for (int sent = 0; sent < n; sent += chunk.size()) {
			chunk.clear();
			for (int i = 0; i < Math.min(CHUNK, n - sent); i++) {
				chunk.add(request.apply(sent + i));
			}
			ids.addAll(client.sendAll(chunk));
		}
		// waited for by the queue's counts, a few commands, so that waiting adds nothing per task
		QueueInfo info = queues.info("default");
		while (info.pending() + info.inFlight() + info.grouped() > 0) {
			Thread.sleep(20);
			info = queues.info("default");
		}
		String last = ids.get(ids.size() - 1);
		if (client.awaitCompletion(last, Duration.ofMinutes(1)).status() != TaskStatus.SUCCESS) {
			throw new IllegalStateException("Task " + last + " did not succeed");
		}
	}

	private static void report(Map<String, Object> out, String what, WorkMeter.Reading from, WorkMeter.Reading to,
			int n) {
		out.put(what + "_redis_calls_per_task", round((double) (to.redisCalls() - from.redisCalls()) / n, 2));
		out.put(what + "_redis_cpu_us_per_task", round((to.redisCpuSeconds() - from.redisCpuSeconds()) * 1e6 / n, 1));
		out.put(what + "_process_cpu_us_per_task", round((to.processCpuNanos() - from.processCpuNanos()) / 1e3 / n, 1));
	}

	private static double round(double value, int digits) {
		double scale = Math.pow(10, digits);
		return Math.round(value * scale) / scale;
	}

}
