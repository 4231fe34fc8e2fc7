package io.gtask.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.gtask.core.TaskMessage;
import io.gtask.core.TaskVetoedException;
import io.gtask.registry.TaskHandlerMethod;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failed attempt runs again after an exponential back-off, as many times as the task may
 * retry, unless its failure is one that is never retried.
 */
class TaskRetryPolicyTests {

	private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

	private final TaskDefaults defaults = new TaskDefaults(Duration.ofMinutes(5), 3, Duration.ofSeconds(1), 2.0,
			Duration.ofSeconds(3), Duration.ZERO, List.of(UncheckedIOException.class));

	private final TaskRetryPolicy policy = new TaskRetryPolicy(this.defaults);

	@Test
	void theDelayDoublesWithEachAttemptUpToTheMaximumInterval() {
		TaskHandlerMethod handler = handler(null, null, List.of());
		assertThat(delay(message(1, null, null), handler)).isEqualTo(Duration.ofSeconds(1));
		assertThat(delay(message(2, null, null), handler)).isEqualTo(Duration.ofSeconds(2));
		assertThat(delay(message(3, null, null), handler)).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void theTaskGivesUpOnceItHadItsRetries() {
		TaskHandlerMethod handler = handler(null, null, List.of());
		assertThat(this.policy.decide(message(3, null, null), handler, 3, new IllegalStateException(), NOW).retry())
			.isTrue();
		assertThat(this.policy.decide(message(4, null, null), handler, 3, new IllegalStateException(), NOW).retry())
			.isFalse();
		assertThat(this.policy.decide(message(1, 0, null), handler, 0, new IllegalStateException(), NOW).retry())
			.isFalse();
	}

	@Test
	void theSendersChoicesComeBeforeTheHandlersAndTheDefaults() {
		TaskHandlerMethod handler = handler(5, Duration.ofMillis(300), List.of());
		TaskMessage message = message(2, 1, 100L);
		assertThat(this.policy.maxRetries(message, handler)).isEqualTo(1);
		assertThat(this.policy.maxRetries(message(1, null, null), handler)).isEqualTo(5);
		assertThat(this.policy.maxRetries(message(1, null, null), handler(null, null, List.of()))).isEqualTo(3);
		assertThat(delay(message(1, null, 100L), handler)).isEqualTo(Duration.ofMillis(100));
		assertThat(delay(message(1, null, null), handler)).isEqualTo(Duration.ofMillis(300));
	}

	@Test
	void failuresThatAreNeverRetriedEndTheTask() {
		TaskHandlerMethod handler = handler(null, null, List.of(IllegalArgumentException.class));
		TaskMessage message = message(1, null, null);
		assertThat(this.policy.decide(message, handler, 3, new NumberFormatException(), NOW).retry()).isFalse();
		assertThat(this.policy.decide(message, handler, 3, new UncheckedIOException(new IOException()), NOW).retry())
			.isFalse();
		assertThat(this.policy.decide(message, handler, 3, new TaskVetoedException("no"), NOW).retry()).isFalse();
		assertThat(this.policy.decide(message, handler, 3, new IllegalStateException(), NOW).retry()).isTrue();
	}

	private @Nullable Duration delay(TaskMessage message, TaskHandlerMethod handler) {
		Instant next = this.policy
			.decide(message, handler, this.policy.maxRetries(message, handler), new IllegalStateException(), NOW)
			.nextAttemptAt();
		return (next != null) ? Duration.between(NOW, next) : null;
	}

	private static TaskMessage message(int attempt, @Nullable Integer maxRetries, @Nullable Long backoffMillis) {
		return new TaskMessage("id-1", "work", "default", JsonMapper.builder().build().createArrayNode(), attempt,
				maxRetries, null, backoffMillis, NOW.toEpochMilli(), Map.of());
	}

	private static TaskHandlerMethod handler(@Nullable Integer maxRetries, @Nullable Duration backoff,
			List<Class<? extends Throwable>> noRetryFor) {
		try {
			Method method = Handlers.class.getDeclaredMethod("work");
			return new TaskHandlerMethod("work", new Handlers(), method, null, null, maxRetries, backoff, noRetryFor);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static class Handlers {

		public void work() {
		}

	}

}
