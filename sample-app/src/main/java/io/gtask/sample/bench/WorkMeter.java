package io.gtask.sample.bench;

import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gtask.redis.RedisAsync;

/**
 * Reads the work done so far by this JVM (process CPU time) and by Redis (CPU time from
 * {@code INFO cpu}, commands from {@code INFO commandstats}), so that a drain is measured by the
 * work per task as well as by wall time, as the peer benchmarks measure theirs.
 */
final class WorkMeter {

	private static final Pattern CALLS = Pattern.compile("calls=(\\d+)");

	private static final Pattern CPU = Pattern.compile("used_cpu_(?:user|sys):([0-9.]+)");

	private final RedisAsync redis;

	private final ProcessHandle worker;

	/**
	 * Measure the work of Redis and of a worker process.
	 * @param redis the connection to the Redis server measured
	 * @param worker the worker process whose CPU time is read
	 */
	WorkMeter(RedisAsync redis, ProcessHandle worker) {
		this.redis = redis;
		this.worker = worker;
	}

	/**
	 * Read the counters now.
	 * @return the reading
	 */
	Reading read() {
		long processCpuNanos = this.worker.equals(ProcessHandle.current()) ? ownCpuNanos()
				: this.worker.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
		String cpu = this.redis.execute((commands) -> commands.info("cpu"));
		String stats = this.redis.execute((commands) -> commands.info("commandstats"));
		double redisCpuSeconds = 0;
		for (Matcher matcher = CPU.matcher(cpu); matcher.find();) {
			redisCpuSeconds += Double.parseDouble(matcher.group(1));
		}
		long calls = 0;
		for (Matcher matcher = CALLS.matcher(stats); matcher.find();) {
			calls += Long.parseLong(matcher.group(1));
		}
		return new Reading(processCpuNanos, redisCpuSeconds, calls);
	}

	/**
	 * What the counters said at one moment.
	 *
	 * @param processCpuNanos CPU time of this JVM, or -1 where the JVM cannot tell
	 * @param redisCpuSeconds CPU time of the Redis server, user and system
	 * @param redisCalls commands Redis ran, scripts' inner commands included
	 */
	private static long ownCpuNanos() {
		return (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
				? os.getProcessCpuTime() : -1;
	}

	record Reading(long processCpuNanos, double redisCpuSeconds, long redisCalls) {
	}

}
