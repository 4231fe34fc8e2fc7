package io.gtask.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.gtask.core.KeyTypeProblem;
import io.gtask.core.QueueInfo;
import io.gtask.core.TaskQueues;
import io.gtask.worker.TaskContainer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Reports whether gtask can reach Redis, the counts of each queue this instance consumes (or
 * sends to, without a worker) and whether its worker runs. A queue whose pending tasks exceed
 * the backlog threshold is named in the {@code backlog} detail; the status then stays
 * {@code UP} unless a backlog status is set. The status is {@code DOWN} when Redis does not
 * answer within {@code gtask.redis.timeout}, when the worker should run but does not, or when a
 * key of a queue holds a value of another Redis type than gtask keeps there (each is named in the
 * {@code brokenKeys} detail with the type it holds).
 */
public class GTaskHealthIndicator extends AbstractHealthIndicator {

	private final TaskQueues queues;

	private final @Nullable TaskContainer container;

	private final Supplier<List<String>> knownQueues;

	private final long backlogThreshold;

	private final @Nullable Status backlogStatus;

	/**
	 * Create an indicator.
	 * @param queues reads the queues
	 * @param container the worker of this instance, if it has one
	 * @param knownQueues the queues to report when the worker has none (it is not started or
	 * there is no worker)
	 * @param backlogThreshold the number of pending tasks above which a queue has a backlog
	 * @param backlogStatus the status to report while a queue has a backlog, or {@code null} to
	 * report it as a detail only
	 */
	public GTaskHealthIndicator(TaskQueues queues, @Nullable TaskContainer container, Supplier<List<String>> knownQueues,
			long backlogThreshold, @Nullable Status backlogStatus) {
		super("gtask health check failed");
		this.queues = queues;
		this.container = container;
		this.knownQueues = knownQueues;
		this.backlogThreshold = backlogThreshold;
		this.backlogStatus = backlogStatus;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		TaskContainer container = this.container;
		List<String> consumed = (container != null && !container.getQueues().isEmpty()) ? container.getQueues()
				: this.knownQueues.get();
		Map<String, Object> queueDetails = new LinkedHashMap<>();
		Map<String, Long> backlog = new LinkedHashMap<>();
		Map<String, String> brokenKeys = new LinkedHashMap<>();
		for (String queue : consumed) {
			List<KeyTypeProblem> problems = this.queues.keyProblems(queue);
			problems.forEach((problem) -> brokenKeys.put(problem.key(),
					"holds a " + problem.type() + ", where gtask keeps a " + problem.expected()));
			if (!problems.isEmpty()) {
				// the counts cannot be read while a key of the queue holds another type
				queueDetails.put(queue, Map.of("brokenKeys", problems.size()));
				continue;
			}
			QueueInfo info = this.queues.info(queue);
			queueDetails.put(queue, queueDetails(info));
			if (info.pending() > this.backlogThreshold) {
				backlog.put(queue, info.pending());
			}
		}
		boolean stopped = container != null && container.isAutoStartup() && !container.isRunning();
		if (stopped || !brokenKeys.isEmpty()) {
			builder.down();
		}
		else if (!backlog.isEmpty() && this.backlogStatus != null) {
			builder.status(this.backlogStatus);
		}
		else {
			builder.up();
		}
		if (container != null) {
			builder.withDetail("worker", Map.of("name", container.getSettings().consumerName(), "running",
					container.isRunning(), "activeCount", container.getActiveCount(), "concurrency",
					container.getSettings().concurrency()));
		}
		builder.withDetail("queues", queueDetails);
		if (!brokenKeys.isEmpty()) {
			builder.withDetail("brokenKeys", brokenKeys);
		}
		if (!backlog.isEmpty()) {
			builder.withDetail("backlogThreshold", this.backlogThreshold).withDetail("backlog", backlog);
		}
	}

	private static Map<String, Object> queueDetails(QueueInfo info) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("pending", info.pending());
		details.put("delayed", info.delayed());
		details.put("inFlight", info.inFlight());
		details.put("waiting", info.waiting());
		details.put("dead", info.dead());
		details.put("paused", info.paused());
		details.put("consumers", info.consumers().size());
		return details;
	}

}
