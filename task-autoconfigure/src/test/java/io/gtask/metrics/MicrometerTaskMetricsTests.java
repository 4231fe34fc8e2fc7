package io.gtask.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.gtask.core.QueueInfo;
import io.gtask.core.QueuedTask;
import io.gtask.core.ScheduledTask;
import io.gtask.core.TaskQueues;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MicrometerTaskMetrics}.
 */
class MicrometerTaskMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final CountingQueues queues = new CountingQueues();

	@Test
	void scrapeReadsEachQueueOnceWithinTheRefreshInterval() {
		metrics(Duration.ofMinutes(1)).consuming(List.of("a"));
		for (String name : List.of("gtask.queue.pending", "gtask.queue.in_flight", "gtask.queue.delayed",
				"gtask.queue.waiting", "gtask.queue.dead")) {
			assertThat(this.registry.get(name).tag("queue", "a").gauge().value()).isNotNaN();
		}
		assertThat(this.registry.get("gtask.queue.pending").gauge().value()).isEqualTo(1);
		assertThat(this.registry.get("gtask.queue.delayed").gauge().value()).isEqualTo(2);
		assertThat(this.registry.get("gtask.queue.in_flight").gauge().value()).isEqualTo(3);
		assertThat(this.registry.get("gtask.queue.dead").gauge().value()).isEqualTo(5);
		assertThat(this.queues.reads.get()).isEqualTo(1);
	}

	@Test
	void gaugesAreNotANumberWhileTheQueueCannotBeRead() {
		this.queues.failing = true;
		metrics(Duration.ZERO).consuming(List.of("a"));
		assertThat(this.registry.get("gtask.queue.pending").gauge().value()).isNaN();
		this.queues.failing = false;
		assertThat(this.registry.get("gtask.queue.pending").gauge().value()).isEqualTo(1);
	}

	@Test
	void queueIsObservedOnceWhenConsumedAgain() {
		MicrometerTaskMetrics metrics = metrics(Duration.ZERO);
		metrics.consuming(List.of("a"));
		metrics.consuming(List.of("a", "b"));
		assertThat(this.registry.find("gtask.queue.pending").gauges()).hasSize(2);
	}

	@Test
	void namesBeyondTheLimitShareOneTag() {
		MicrometerTaskMetrics metrics = new MicrometerTaskMetrics(this.registry, this.queues, () -> Set.of("known"),
				1, Duration.ZERO);
		metrics.sent("q", "known");
		metrics.sent("q", "first");
		metrics.sent("q", "second");
		metrics.sent("q", "third");
		assertThat(this.registry.find("gtask.tasks.sent").counters()).hasSize(3);
		assertThat(this.registry.get("gtask.tasks.sent").tag("task", "other").counter().count()).isEqualTo(2);
		assertThat(this.registry.get("gtask.tasks.sent").tag("task", "first").counter().count()).isEqualTo(1);
	}

	@Test
	void tasksSentAreTaggedWithTheirOrigin() {
		MicrometerTaskMetrics metrics = metrics(Duration.ZERO);
		metrics.sent("q", "t");
		metrics.sent("q", "t", TaskOrigin.CLIENT);
		metrics.sent("q", "t", TaskOrigin.PERIODIC);
		metrics.sent("q", "t", TaskOrigin.REAPER);
		metrics.sent("q", "t", TaskOrigin.REPUSH);
		metrics.sent("q", "t", TaskOrigin.DEAD_LETTER);
		metrics.sent("q", "t", TaskOrigin.DEAD_LETTER);
		assertThat(this.registry.get("gtask.tasks.sent").tag("origin", "client").counter().count()).isEqualTo(2);
		assertThat(this.registry.get("gtask.tasks.sent").tag("origin", "periodic").counter().count()).isEqualTo(1);
		assertThat(this.registry.get("gtask.tasks.sent").tag("origin", "reaper").counter().count()).isEqualTo(1);
		assertThat(this.registry.get("gtask.tasks.sent").tag("origin", "repush").counter().count()).isEqualTo(1);
		assertThat(this.registry.get("gtask.tasks.sent").tag("origin", "dead_letter").counter().count())
			.isEqualTo(2);
		assertThat(this.registry.find("gtask.tasks.sent").tags("queue", "q", "task", "t").counters()).hasSize(5);
	}

	@Test
	void attemptsThatDidNotRunAreCountedWithoutExecutionTime() {
		MicrometerTaskMetrics metrics = metrics(Duration.ZERO);
		metrics.finished("q", "t", TaskOutcome.EXPIRED, -1);
		metrics.finished("q", "t", TaskOutcome.SUCCESS, 1_000_000);
		assertThat(this.registry.get("gtask.tasks.completed").tag("outcome", "expired").counter().count())
			.isEqualTo(1);
		assertThat(this.registry.find("gtask.tasks.execution").tag("outcome", "expired").timer()).isNull();
		assertThat(this.registry.get("gtask.tasks.execution").tag("outcome", "success").timer().count())
			.isEqualTo(1);
	}

	private MicrometerTaskMetrics metrics(Duration refresh) {
		return new MicrometerTaskMetrics(this.registry, this.queues, Set::of, 100, refresh);
	}

	static class CountingQueues implements TaskQueues {

		final AtomicInteger reads = new AtomicInteger();

		volatile boolean failing;

		@Override
		public QueueInfo info(String queue) {
			this.reads.incrementAndGet();
			if (this.failing) {
				throw new IllegalStateException("Redis is away");
			}
			return new QueueInfo(queue, 1, 2, 3, 4, 5, false, List.of());
		}

		@Override
		public void pause(String queue) {
		}

		@Override
		public void resume(String queue) {
		}

		@Override
		public boolean isPaused(String queue) {
			return false;
		}

		@Override
		public Optional<QueuedTask> peekNext(String queue) {
			return Optional.empty();
		}

		@Override
		public Optional<QueuedTask> peekLast(String queue) {
			return Optional.empty();
		}

		@Override
		public List<ScheduledTask> scheduled(String queue, int offset, int limit) {
			return List.of();
		}

	}

}
