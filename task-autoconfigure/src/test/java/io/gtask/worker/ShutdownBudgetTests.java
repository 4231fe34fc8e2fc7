package io.gtask.worker;

import java.time.Duration;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.test.TestRedis;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The time to stop a container is checked against the time Spring gives it, as configured.
 */
class ShutdownBudgetTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				GTaskAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.get().url(), "gtask.worker.auto-startup=false");

	@Test
	void defaultsLeaveTimeToHandBackWithinSpringBootsDefaultPhaseTimeout() {
		this.runner.run((context) -> {
			ShutdownBudget budget = context.getBean(TaskContainer.class).getShutdownBudget();
			assertThat(budget.phaseTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(budget.fits()).isTrue();
			assertThat(budget.taskWait()).isEqualTo(Duration.ofSeconds(20));
		});
	}

	@Test
	void shutdownTimeoutThatDoesNotFitIsCutShortAndBothPropertiesAreNamed() {
		this.runner
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=30s", "gtask.worker.shutdown-timeout=30s")
			.run((context) -> {
				ShutdownBudget budget = context.getBean(TaskContainer.class).getShutdownBudget();
				assertThat(budget.fits()).isFalse();
				assertThat(budget.taskWait()).isEqualTo(Duration.ofSeconds(25));
				assertThat(budget.describeConflict()).contains("gtask.worker.shutdown-timeout (30000 ms)",
						"spring.lifecycle.timeout-per-shutdown-phase (30000 ms)", "waits at most 25000 ms");
			});
	}

	@Test
	void phaseTimeoutShorterThanTheTimeToHandBackLeavesNoWait() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofSeconds(20), Duration.ofSeconds(3));
		assertThat(budget.fits()).isFalse();
		assertThat(budget.taskWait()).isZero();
	}

	@Test
	void unknownPhaseTimeoutWaitsTheWholeShutdownTimeout() {
		ShutdownBudget budget = new ShutdownBudget(Duration.ofSeconds(90), null);
		assertThat(budget.fits()).isTrue();
		assertThat(budget.taskWait()).isEqualTo(Duration.ofSeconds(90));
	}

}
