package io.gtask.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gtask.core.TaskClient;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskInterceptor;
import io.gtask.core.TaskStatus;
import io.gtask.core.TaskVetoedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interceptors around task executions, and the logging context, on a real Redis.
 */
class InterceptorIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	static final List<String> EVENTS = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withUserConfiguration(InterceptorConfiguration.class);

	@BeforeEach
	void reset() {
		EVENTS.clear();
	}

	@Test
	void interceptorsRunInOrderAroundTheHandlerAndSeeTheTaskAndItsOutcome() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("multiply", 6, 7);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(42);
			assertThat(EVENTS).containsExactly("outer before multiply " + id + " [6, 7]", "inner before",
					"handler", "inner after 42", "outer after");
		});
	}

	@Test
	void interceptorMayAlterArgumentsAndResult() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThat(client.await(client.send("doubled", 5), WAIT, Integer.class)).isEqualTo(21);
		});
	}

	@Test
	void interceptorMaySkipTheHandler() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThat(client.await(client.send("cached", "k"), WAIT, String.class)).isEqualTo("from cache");
			assertThat(EVENTS).doesNotContain("cached handler");
		});
	}

	@Test
	void vetoedTaskFailsWithoutRetry() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskInfo info = client.awaitCompletion(client.send("forbidden"), WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.attempts()).isEqualTo(1);
			assertThat(info.error().type()).isEqualTo(TaskVetoedException.class.getName());
			assertThat(info.error().message()).isEqualTo("not allowed");
			assertThat(EVENTS).doesNotContain("forbidden handler");
		});
	}

	@Test
	void handlerThreadCarriesTheTaskInItsLoggingContext() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("mdc");
			assertThat(client.await(id, WAIT, String.class)).isEqualTo(id + " mdc default 1");
		});
	}

	@Test
	void loggingContextCanBeTurnedOff() {
		this.runner.withPropertyValues("gtask.worker.mdc=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThat(client.await(client.send("mdc"), WAIT, String.class)).isEqualTo("null null null null");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class InterceptorConfiguration {

		@Bean
		Handlers interceptedHandlers() {
			return new Handlers();
		}

		@Bean
		@Order(2)
		TaskInterceptor inner() {
			return (invocation) -> {
				if (!invocation.context().name().equals("multiply")) {
					return invocation.proceed();
				}
				EVENTS.add("inner before");
				Object result = invocation.proceed();
				EVENTS.add("inner after " + result);
				return result;
			};
		}

		@Bean
		@Order(1)
		TaskInterceptor outer() {
			return (invocation) -> switch (invocation.context().name()) {
				case "multiply" -> {
					EVENTS.add("outer before " + invocation.context().name() + " " + invocation.context().id() + " "
							+ List.of(invocation.arguments()));
					Object result = invocation.proceed();
					EVENTS.add("outer after");
					yield result;
				}
				case "doubled" -> {
					invocation.arguments()[0] = 10;
					yield ((Integer) invocation.proceed()) + 1;
				}
				case "cached" -> "from cache";
				case "forbidden" -> throw new TaskVetoedException("not allowed");
				default -> invocation.proceed();
			};
		}

	}

	static class Handlers {

		@TaskHandler("multiply")
		int multiply(int a, int b) {
			EVENTS.add("handler");
			return a * b;
		}

		@TaskHandler("doubled")
		int doubled(int a) {
			return a * 2;
		}

		@TaskHandler("cached")
		String cached(String key) {
			EVENTS.add("cached handler");
			return "computed";
		}

		@TaskHandler(value = "forbidden", maxRetries = 3)
		String forbidden() {
			EVENTS.add("forbidden handler");
			return "ran";
		}

		@TaskHandler("mdc")
		String mdc() {
			return MDC.get("gtask.taskId") + " " + MDC.get("gtask.taskName") + " " + MDC.get("gtask.queue") + " "
					+ MDC.get("gtask.attempt");
		}

	}

}
