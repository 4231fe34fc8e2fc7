package io.gtask.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.gtask.core.QueueInfo;
import io.gtask.dashboard.DashboardApiController.Access;
import io.gtask.dashboard.DashboardApiController.Counts;
import io.gtask.dashboard.DashboardApiController.History;
import io.gtask.dashboard.DashboardApiController.Overview;
import io.gtask.dashboard.DashboardApiController.Services;
import io.gtask.stats.TaskStatsBucket;
import io.gtask.stats.TaskStatsStore;
import io.gtask.worker.WorkerInfo;
import io.gtask.worker.WorkerRegistry;
import org.springframework.boot.convert.DurationStyle;

/**
 * Assembles what the dashboard shows of all queues and workers: the overview with its sums and
 * charts, the list of queues, the list of workers.
 */
final class OverviewAssembler {

	/**
	 * Buckets of a chart: the shortest range is an hour of one-minute buckets.
	 */
	private static final int BUCKETS = 60;

	private final Services services;

	private final Duration maxRange;

	/**
	 * Create the assembler.
	 * @param services what the dashboard reads
	 * @param maxRange the longest span of the charts, the retention of task statistics
	 */
	OverviewAssembler(Services services, Duration maxRange) {
		this.services = services;
		this.maxRange = maxRange;
	}

	/**
	 * The overview.
	 * @param range how far back the charts go, such as {@code 1h}
	 * @param now the current time
	 * @param access what the user may do
	 * @throws IllegalArgumentException naming the range if it is not a duration from an hour
	 * to the retention of statistics
	 */
	Overview overview(String range, Instant now, Access access) {
		Duration span = range(range);
		List<WorkerInfo> workers = workers(now);
		List<QueueInfo> queues = queues(workers);
		long[] sums = new long[5];
		for (QueueInfo info : queues) {
			sums[0] += info.pending();
			sums[1] += info.delayed();
			sums[2] += info.inFlight();
			sums[3] += info.waiting();
			sums[4] += info.dead();
		}
		Counts counts = new Counts(sums[0], sums[1], sums[2], sums[3], sums[4],
				queues.stream().filter(QueueInfo::paused).count(), workers.size(),
				workers.stream().mapToLong(WorkerInfo::concurrency).sum());
		History history = null;
		TaskStatsBucket allTime = null;
		TaskStatsStore stats = this.services.stats();
		if (stats != null) {
			Duration step = step(span);
			history = new History(span, step, stats.history(now, span, step));
			allTime = stats.totals(now);
		}
		return new Overview(now, counts, queues, history, allTime, access);
	}

	/**
	 * Every queue known here or consumed by a worker, with its counts.
	 */
	List<QueueInfo> queues(Instant now) {
		return queues(workers(now));
	}

	/**
	 * The workers of all instances that are alive.
	 */
	List<WorkerInfo> workers(Instant now) {
		WorkerRegistry registry = this.services.workers();
		return (registry != null) ? registry.workers(now) : List.of();
	}

	private List<QueueInfo> queues(List<WorkerInfo> workers) {
		Set<String> names = new LinkedHashSet<>(this.services.knownQueues().get());
		workers.forEach((worker) -> names.addAll(worker.queues()));
		List<QueueInfo> infos = new ArrayList<>(names.size());
		for (String name : names) {
			infos.add(this.services.queues().info(name));
		}
		return infos;
	}

	private Duration range(String range) {
		Duration span;
		try {
			span = DurationStyle.detectAndParse(range);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Invalid range '" + range + "': use a duration such as 1h or 24h");
		}
		if (span.compareTo(Duration.ofMinutes(BUCKETS)) < 0 || span.compareTo(this.maxRange) > 0) {
			throw new IllegalArgumentException("Invalid range '" + range + "': it must be from 1h to "
					+ this.maxRange.toHours() + "h (gtask.stats.retention)");
		}
		return span;
	}

	private static Duration step(Duration range) {
		long minutes = (range.toMinutes() + BUCKETS - 1) / BUCKETS;
		return Duration.ofMinutes(Math.max(1, minutes));
	}

}
