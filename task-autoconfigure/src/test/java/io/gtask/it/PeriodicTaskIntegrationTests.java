package io.gtask.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gtask.autoconfigure.GTaskMetricsAutoConfiguration;
import io.gtask.autoconfigure.GTaskPeriodicAutoConfiguration;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskStatus;
import io.gtask.periodic.PeriodicTaskScheduler;
import io.gtask.test.SettableClock;
import io.gtask.worker.TaskContainer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Periodic tasks end to end on a real Redis: the auto-configured scheduler sends them at their
 * ticks, which the tests bring about by moving each application's scheduler clock, and the
 * task containers run them. Several contexts on one key prefix stand for several instances.
 */
class PeriodicTaskIntegrationTests {

	private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withConfiguration(AutoConfigurations.of(GTaskPeriodicAutoConfiguration.class))
		.withUserConfiguration(PeriodicConfiguration.class, TaskLifecycleIntegrationTests.HandlersConfiguration.class);

	@Test
	void cronHandlerRunsThroughTheContainerAtEachTick() {
		this.runner.run((context) -> {
			PeriodicHandlers handlers = context.getBean(PeriodicHandlers.class);
			clock(context).set(T0);
			TaskInfo first = awaitSuccess(context, "heartbeat@" + T0.toEpochMilli());
			assertThat(first.name()).isEqualTo("heartbeat");
			assertThat(first.queue()).isEqualTo("default");
			assertThat(first.result()).isEqualTo("\"beat heartbeat@" + T0.toEpochMilli() + "\"");
			clock(context).set(T0.plusSeconds(30));
			awaitSuccess(context, "heartbeat@" + T0.plusSeconds(30).toEpochMilli());
			assertThat(handlers.ids).containsExactly("heartbeat@" + T0.toEpochMilli(),
					"heartbeat@" + T0.plusSeconds(30).toEpochMilli());
		});
	}

	@Test
	void periodicTasksAreCountedAsSentWithTheirOrigin() {
		this.runner.withConfiguration(AutoConfigurations.of(GTaskMetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				clock(context).set(T0);
				awaitSuccess(context, "heartbeat@" + T0.toEpochMilli());
				clock(context).set(T0.plusSeconds(30));
				awaitSuccess(context, "heartbeat@" + T0.plusSeconds(30).toEpochMilli());
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				// a send is counted once the task is queued, which can be after a worker ran it
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(meters.get("gtask.tasks.sent")
						.tags("queue", "default", "task", "heartbeat", "origin", "periodic")
						.counter()
						.count()).isEqualTo(2));
				assertThat(meters.find("gtask.tasks.sent").tags("task", "heartbeat", "origin", "client").counter())
					.isNull();
			});
	}

	@Test
	void scheduleFromPropertiesSendsItsArguments() {
		this.runner
			.withPropertyValues("gtask.periodic.schedules.answer.task=add",
					"gtask.periodic.schedules.answer.cron=0 * * * * *",
					"gtask.periodic.schedules.answer.zone=Europe/Paris", "gtask.periodic.schedules.answer.args=40,2")
			.run((context) -> {
				clock(context).set(T0);
				TaskInfo info = awaitSuccess(context, "answer@" + T0.toEpochMilli());
				assertThat(info.name()).isEqualTo("add");
				assertThat(info.result()).isEqualTo("42");
			});
	}

	@Test
	void threeInstancesSharingOneRedisRunEachTickOnceWhileTheyStopAndStart() {
		this.runner.run((a) -> this.runner.run((b) -> this.runner.run((c) -> {
			List<AssertableApplicationContext> instances = List.of(a, b, c);
			List<String> expected = new ArrayList<>();
			for (int k = 0; k < 9; k++) {
				Instant tick = T0.plusSeconds(30L * k);
				if (k == 3) {
					b.getBean(PeriodicTaskScheduler.class).stop();
				}
				if (k == 6) {
					b.getBean(PeriodicTaskScheduler.class).start();
					a.getBean(PeriodicTaskScheduler.class).stop();
					c.getBean(PeriodicTaskScheduler.class).stop();
				}
				for (int i = 0; i < instances.size(); i++) {
					clock(instances.get(i)).set(tick.plusMillis(400L * i));
				}
				String id = "heartbeat@" + tick.toEpochMilli();
				awaitSuccess(a, id);
				expected.add(id);
			}
			// each tick ran once, on whichever instance fetched it, and nothing more arrives
			await().during(Duration.ofMillis(1500))
				.atMost(WAIT)
				.until(() -> instances.stream()
					.flatMap((instance) -> instance.getBean(PeriodicHandlers.class).ids.stream())
					.sorted()
					.toList(), (ids) -> ids.equals(expected.stream().sorted().toList()));
		})));
	}

	@Test
	void producerOnlyInstanceSendsPeriodicTasksThatAWorkerRuns() {
		this.runner.withPropertyValues("gtask.worker.enabled=false").run((producer) -> {
			assertThat(producer).doesNotHaveBean(TaskContainer.class);
			assertThat(producer).hasSingleBean(PeriodicTaskScheduler.class);
			this.runner.withPropertyValues("gtask.periodic.enabled=false").run((worker) -> {
				assertThat(worker).doesNotHaveBean(PeriodicTaskScheduler.class);
				clock(producer).set(T0);
				awaitSuccess(worker, "heartbeat@" + T0.toEpochMilli());
				assertThat(worker.getBean(PeriodicHandlers.class).ids).containsExactly("heartbeat@" + T0.toEpochMilli());
			});
		});
	}

	@Test
	void cronHandlerCanAlsoBeSentByHand() {
		this.runner.withPropertyValues("gtask.periodic.enabled=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("heartbeat");
			assertThat(client.await(id, WAIT, String.class)).isEqualTo("beat " + id);
		});
	}

	private static TaskInfo awaitSuccess(AssertableApplicationContext context, String id) {
		TaskClient client = context.getBean(TaskClient.class);
		return await().atMost(WAIT)
			.ignoreException(TaskNotFoundException.class)
			.until(() -> client.info(id), (info) -> info.status() == TaskStatus.SUCCESS);
	}

	private static SettableClock clock(AssertableApplicationContext context) {
		return context.getBean(ClockControl.class).clock;
	}

	@Configuration(proxyBeanMethods = false)
	static class PeriodicConfiguration {

		@Bean
		PeriodicHandlers periodicHandlers() {
			return new PeriodicHandlers();
		}

		@Bean
		static ClockControl clockControl() {
			return new ClockControl();
		}

	}

	/**
	 * Gives the application's scheduler a clock of the test's, set just before the first tick.
	 */
	static class ClockControl implements BeanPostProcessor {

		final SettableClock clock = new SettableClock(T0.minusSeconds(1));

		@Override
		public Object postProcessBeforeInitialization(Object bean, String beanName) {
			if (bean instanceof PeriodicTaskScheduler scheduler) {
				scheduler.setClock(this.clock);
			}
			return bean;
		}

	}

	static class PeriodicHandlers {

		final List<String> ids = new CopyOnWriteArrayList<>();

		@TaskHandler(value = "heartbeat", cron = "*/30 * * * * *", zone = "UTC")
		String heartbeat(TaskContext context) {
			this.ids.add(context.id());
			return "beat " + context.id();
		}

	}

}
