package io.gtask.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gtask.core.DeadLetters;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskStatus;
import io.gtask.observation.TaskExecutionContext;
import io.gtask.observation.TaskSendContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Observations of sending and running tasks, with the sender's context carried to the worker in
 * the task's headers, on a real Redis.
 */
class ObservationIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

	static final List<Object> CURRENT = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withUserConfiguration(ObservationConfiguration.class)
		.withPropertyValues("gtask.observation.enabled=true");

	@BeforeEach
	void reset() {
		RECEIVED.clear();
		CURRENT.clear();
	}

	@Test
	void sendAndExecutionAreObservedWithTaskAndQueue() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			assertThat(client.awaitCompletion(client.send("traced"), WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(registry).hasObservationWithNameEqualTo("gtask.send")
				.that()
				.hasLowCardinalityKeyValue("task", "traced")
				.hasLowCardinalityKeyValue("queue", "default")
				.hasBeenStarted()
				.hasBeenStopped();
			assertThat(registry).hasObservationWithNameEqualTo("gtask.execute")
				.that()
				.hasLowCardinalityKeyValue("task", "traced")
				.hasLowCardinalityKeyValue("queue", "default")
				.hasContextualNameEqualTo("default process")
				.hasBeenStopped();
		});
	}

	@Test
	void traceContextWrittenBySenderIsReadOnTheWorker() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("traced");
			assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(RECEIVED).containsExactly("00-trace-of-" + id + "-01");
			assertThat(CURRENT).singleElement()
				.isInstanceOfSatisfying(TaskExecutionContext.class,
						(execution) -> assertThat(execution.getTaskId()).isEqualTo(id));
		});
	}

	@Test
	void failedExecutionIsObservedWithItsError() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			assertThat(client.awaitCompletion(client.send("tracedFailure"), WAIT).status())
				.isEqualTo(TaskStatus.FAILURE);
			assertThat(registry).hasObservationWithNameEqualTo("gtask.execute")
				.that()
				.hasLowCardinalityKeyValue("task", "tracedFailure")
				.assertThatError()
				.hasMessage("traced failure");
		});
	}

	@Test
	void aTaskSentAgainFromTheDeadLettersIsObservedAsASendAndCarriesItsTraceContext() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			String id = client.send("tracedFailure");
			assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.FAILURE);
			await().atMost(WAIT).until(() -> deadLetters.count("default") == 1);
			RECEIVED.clear();
			assertThat(deadLetters.requeue("default", deadLetters.list("default", 0, 1).get(0).id())).contains(id);
			await().atMost(WAIT).until(() -> RECEIVED.size() == 1);
			assertThat(RECEIVED).containsExactly("00-trace-of-" + id + "-01");
			assertThat(registry).hasNumberOfObservationsWithNameEqualTo("gtask.send", 2);
		});
	}

	@Test
	void observationsAreOffUnlessEnabled() {
		GTaskTestSupport.runner().withUserConfiguration(ObservationConfiguration.class).run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			client.awaitCompletion(client.send("traced"), Duration.ofSeconds(10));
			assertThat(context.getBean(TestObservationRegistry.class)).doesNotHaveAnyObservation();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ObservationConfiguration {

		@Bean
		TestObservationRegistry observationRegistry() {
			TestObservationRegistry registry = TestObservationRegistry.create();
			// stands in for a tracing bridge: propagates a made-up trace context through the headers
			registry.observationConfig().observationHandler(new ObservationHandler<TaskSendContext>() {

				@Override
				public void onStart(TaskSendContext context) {
					context.getSetter().set(context.getCarrier(), "traceparent",
							"00-trace-of-" + context.getTaskId() + "-01");
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return context instanceof TaskSendContext;
				}

			});
			registry.observationConfig().observationHandler(new ObservationHandler<TaskExecutionContext>() {

				@Override
				public void onStart(TaskExecutionContext context) {
					RECEIVED.add(context.getGetter().get(context.getCarrier(), "traceparent"));
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return context instanceof TaskExecutionContext;
				}

			});
			return registry;
		}

		@Bean
		TracedHandlers tracedHandlers(ObservationRegistry registry) {
			return new TracedHandlers(registry);
		}

	}

	static class TracedHandlers {

		private final ObservationRegistry registry;

		TracedHandlers(ObservationRegistry registry) {
			this.registry = registry;
		}

		@TaskHandler("traced")
		String traced() {
			Observation current = this.registry.getCurrentObservation();
			if (current != null) {
				CURRENT.add(current.getContext());
			}
			return "traced";
		}

		@TaskHandler(value = "tracedFailure", maxRetries = 0)
		String tracedFailure() {
			throw new IllegalStateException("traced failure");
		}

	}

}
