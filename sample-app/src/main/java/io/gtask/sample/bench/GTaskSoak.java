package io.gtask.sample.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gtask.core.QueueInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.redis.RedisAsync;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Memory over a long run: sends {@code n} tasks (default 1,000,000) through one worker with a
 * short result time to live ({@code result-ttl-seconds}, default 10), never more than
 * {@code backlog} (default 20,000) waiting, and reads at every tenth of the run the heap this
 * JVM uses after a full collection and the memory Redis uses ({@code used_memory}). Once every
 * task ran and the time to live passed, it reads both again. The last line on stdout is one
 * JSON object; the readings go to stderr as they are taken.
 * <p>
 * A queue whose memory is flat shows readings that stop growing once the results of the first
 * time to live are expiring as fast as new ones are written.
 */
public final class GTaskSoak {

	private static final int CHUNK = 1000;

	private static final Pattern USED_MEMORY = Pattern.compile("used_memory:(\\d+)");

	private GTaskSoak() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> given = GTaskBenchmark.arguments(args);
		int n = Integer.parseInt(given.getOrDefault("n", "1000000"));
		int concurrency = Integer.parseInt(given.getOrDefault("concurrency", "16"));
		int backlog = Integer.parseInt(given.getOrDefault("backlog", "20000"));
		int ttlSeconds = Integer.parseInt(given.getOrDefault("result-ttl-seconds", "10"));
		String redisUrl = given.getOrDefault("redis-url", "redis://127.0.0.1:6379");
		String prefix = "gtask-soak-" + UUID.randomUUID().toString().substring(0, 8);
		List<String> extra = List.of("--gtask.result.ttl=" + ttlSeconds + "s");
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("peer", "gtask");
		out.put("soak_n", n);
		out.put("result_ttl_s", ttlSeconds);
		try (ConfigurableApplicationContext producer = GTaskBenchmark.boot(redisUrl, prefix, false, concurrency, extra)) {
			RedisConnectionFactory connectionFactory = producer.getBean(RedisConnectionFactory.class);
			RedisAsync redis = new RedisAsync((LettuceConnectionFactory) connectionFactory, Duration.ofSeconds(10));
			try (ConfigurableApplicationContext worker = GTaskBenchmark.boot(redisUrl, prefix, true, concurrency,
					extra)) {
				run(producer.getBean(TaskClient.class), producer.getBean(TaskQueues.class), redis, n, backlog,
						ttlSeconds, out);
			}
			finally {
				GTaskBenchmark.deleteKeys(connectionFactory, prefix);
			}
		}
		System.out.println(GTaskBenchmark.json(out));
		System.exit(0);
	}

	private static void run(TaskClient client, TaskQueues queues, RedisAsync redis, int n, int backlog, int ttlSeconds,
			Map<String, Object> out) throws InterruptedException {
		List<Long> heap = new ArrayList<>();
		List<Long> redisMemory = new ArrayList<>();
		List<TaskRequest> chunk = new ArrayList<>(CHUNK);
		long start = System.nanoTime();
		int nextReading = n / 10;
		for (int sent = 0; sent < n;) {
			QueueInfo info = queues.info("default");
			if (info.pending() + info.inFlight() > backlog) {
				Thread.sleep(5);
				continue;
			}
			chunk.clear();
			for (int i = 0; i < Math.min(CHUNK, n - sent); i++) {
				chunk.add(TaskRequest.of(GTaskBenchmark.TASK).build());
			}
			client.sendAll(chunk);
			sent += chunk.size();
			if (sent >= nextReading) {
				read(sent, start, redis, heap, redisMemory);
				nextReading += n / 10;
			}
		}
		QueueInfo info = queues.info("default");
		while (info.pending() + info.inFlight() > 0) {
			Thread.sleep(20);
			info = queues.info("default");
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		Thread.sleep((ttlSeconds + 2) * 1000L);
		read(n, start, redis, heap, redisMemory);
		out.put("soak_rate", Math.round(n / seconds));
		out.put("heap_mb", mb(heap));
		out.put("redis_used_mb", mb(redisMemory));
	}

	private static void read(int sent, long start, RedisAsync redis, List<Long> heap, List<Long> redisMemory) {
		System.gc();
		long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		String memory = redis.execute((commands) -> commands.info("memory"));
		Matcher matcher = USED_MEMORY.matcher(memory);
		long redisUsed = matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
		heap.add(used);
		redisMemory.add(redisUsed);
		System.err.println(String.format(Locale.ROOT, "[gtask-soak] %,d tasks sent after %.1f s: heap %.1f MB, Redis %.1f MB",
				sent, (System.nanoTime() - start) / 1e9, used / 1048576.0, redisUsed / 1048576.0));
	}

	private static List<Double> mb(List<Long> bytes) {
		List<Double> megabytes = new ArrayList<>(bytes.size());
		for (Long value : bytes) {
			megabytes.add(Math.round(value / 1048576.0 * 10) / 10.0);
		}
		return megabytes;
	}

}
