package io.gtask.metrics;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CompositeTaskMetrics} and {@link TaskMetrics#composite(List)}.
 */
class CompositeTaskMetricsTests {

	@Test
	void tellsEveryDelegateInOrder() {
		List<String> calls = new ArrayList<>();
		TaskMetrics metrics = TaskMetrics.composite(List.of(new Recording("a", calls), new Recording("b", calls)));
		metrics.sent("q", "t", TaskOrigin.PERIODIC);
		metrics.started("q", "t", 5);
		metrics.finished("q", "t", TaskOutcome.SUCCESS, 7);
		metrics.deadLettered("q", null);
		metrics.consuming(List.of("q"));
		assertThat(calls).containsExactly("a sent q t periodic", "b sent q t periodic", "a started q t 5",
				"b started q t 5", "a finished q t success 7", "b finished q t success 7", "a deadLettered q null",
				"b deadLettered q null", "a consuming [q]", "b consuming [q]");
	}

	@Test
	void delegateThatThrowsDoesNotStopTheOthers() {
		List<String> calls = new ArrayList<>();
		TaskMetrics failing = new TaskMetrics() {

			@Override
			public void sent(String queue, String task) {
				throw new IllegalStateException("broken recorder");
			}

			@Override
			public void started(String queue, String task, long waitNanos) {
				throw new IllegalStateException("broken recorder");
			}

		};
		TaskMetrics metrics = TaskMetrics.composite(List.of(failing, new Recording("b", calls)));
		metrics.sent("q", "t", TaskOrigin.CLIENT);
		metrics.sent("q", "t", TaskOrigin.CLIENT);
		metrics.started("q", "t", 1);
		assertThat(calls).containsExactly("b sent q t client", "b sent q t client", "b started q t 1");
	}

	@Test
	void delegateThatIgnoresOriginsIsToldOfEveryTaskSent() {
		List<String> sent = new ArrayList<>();
		TaskMetrics withoutOrigin = new TaskMetrics() {

			@Override
			public void sent(String queue, String task) {
				sent.add(queue + " " + task);
			}

		};
		TaskMetrics metrics = TaskMetrics.composite(List.of(withoutOrigin, TaskMetrics.NONE));
		metrics.sent("q", "a", TaskOrigin.CLIENT);
		metrics.sent("q", "b", TaskOrigin.REAPER);
		metrics.sent("q", "c", TaskOrigin.DEAD_LETTER);
		assertThat(sent).containsExactly("q a", "q b", "q c");
	}

	@Test
	void compositeOfNoneOrOneIsNotWrapped() {
		TaskMetrics only = new TaskMetrics() {
		};
		assertThat(TaskMetrics.composite(List.of())).isSameAs(TaskMetrics.NONE);
		assertThat(TaskMetrics.composite(List.of(only))).isSameAs(only);
		assertThat(TaskMetrics.composite(List.of(only, only))).isInstanceOf(CompositeTaskMetrics.class);
	}

	private record Recording(String name, List<String> calls) implements TaskMetrics {

		@Override
		public void sent(String queue, String task, TaskOrigin origin) {
			this.calls.add(this.name + " sent " + queue + " " + task + " " + origin.tagValue());
		}

		@Override
		public void started(String queue, String task, long waitNanos) {
			this.calls.add(this.name + " started " + queue + " " + task + " " + waitNanos);
		}

		@Override
		public void finished(String queue, String task, TaskOutcome outcome, long durationNanos) {
			this.calls.add(this.name + " finished " + queue + " " + task + " " + outcome.tagValue() + " " + durationNanos);
		}

		@Override
		public void deadLettered(String queue, @org.jspecify.annotations.Nullable String task) {
			this.calls.add(this.name + " deadLettered " + queue + " " + task);
		}

		@Override
		public void consuming(List<String> queues) {
			this.calls.add(this.name + " consuming " + queues);
		}

	}

}
