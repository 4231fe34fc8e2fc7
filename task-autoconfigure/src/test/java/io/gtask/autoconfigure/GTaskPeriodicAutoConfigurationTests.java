package io.gtask.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import io.gtask.broker.OutgoingTask;
import io.gtask.broker.TaskBroker;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import io.gtask.periodic.MissedTickPolicy;
import io.gtask.periodic.PeriodicSchedule;
import io.gtask.periodic.PeriodicTaskScheduler;
import io.gtask.periodic.PeriodicTickStore;
import io.gtask.periodic.redis.RedisPeriodicTickStore;
import io.gtask.send.TaskSender;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

/**
 * Conditions, back-off and properties of {@link GTaskPeriodicAutoConfiguration}. The scheduler
 * is not started, so no Redis is needed here.
 */
class GTaskPeriodicAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				GTaskAutoConfiguration.class, GTaskPeriodicAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1", "gtask.worker.auto-startup=false")
		.withBean("noAutoStartup", NoAutoStartup.class);

	@Test
	void createsTheRedisTickStoreAndTheScheduler() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RedisPeriodicTickStore.class);
			assertThat(context).hasSingleBean(PeriodicTaskScheduler.class);
			assertThat(context.getBean(PeriodicTaskScheduler.class).getSchedules()).isEmpty();
		});
	}

	@Test
	void periodicTasksCanBeTurnedOff() {
		this.runner.withBean(CronTasks.class).withPropertyValues("gtask.periodic.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(PeriodicTickStore.class);
			assertThat(context).doesNotHaveBean(PeriodicTaskScheduler.class);
		});
	}

	@Test
	void backsOffForAUserTickStore() {
		this.runner.withUserConfiguration(UserTickStore.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisPeriodicTickStore.class);
			assertThat(context.getBean(PeriodicTaskScheduler.class)).extracting("ticker.tickStore")
				.isSameAs(context.getBean("userTickStore"));
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void redisTickStoreIsOnlyUsedWithTheRedisBroker() {
		// the Redis store queues into Redis streams, which another broker would never read
		TaskBroker broker = mock(TaskBroker.class, withSettings().extraInterfaces(io.gtask.broker.QueueAdmin.class,
				io.gtask.broker.DeadLetterStore.class));
		this.runner.withBean("userBroker", (Class<TaskBroker>) broker.getClass(), () -> broker).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(PeriodicTickStore.class);
			assertThat(context).doesNotHaveBean(PeriodicTaskScheduler.class);
		});
	}

	@Test
	void schedulesCronHandlersOnTheirQueuesWithTheDefaultPolicy() {
		this.runner.withBean(CronTasks.class)
			.withPropertyValues("gtask.default-queue=main", "gtask.routes.routed=elsewhere")
			.run((context) -> assertThat(context.getBean(PeriodicTaskScheduler.class).getSchedules()).containsExactly(
					new PeriodicSchedule("beat", "beat", CronExpression.parse("*/30 * * * * *"), ZoneId.systemDefault(),
							List.of(), "main", MissedTickPolicy.SKIP),
					new PeriodicSchedule("report", "report", CronExpression.parse("0 0 3 * * *"),
							ZoneId.of("Europe/Paris"), List.of(), "reports", MissedTickPolicy.SKIP),
					new PeriodicSchedule("routed", "routed", CronExpression.parse("0 0 * * * *"), ZoneId.systemDefault(),
							List.of(), "elsewhere", MissedTickPolicy.SKIP)));
	}

	@Test
	void bindsPeriodicPropertiesAndSchedules() {
		this.runner.withBean(CronTasks.class)
			.withPropertyValues("gtask.periodic.grace=45s", "gtask.periodic.missed-ticks=run-once",
					"gtask.periodic.schedules.nightly.task=cleanup", "gtask.periodic.schedules.nightly.cron=0 30 2 * * *",
					"gtask.periodic.schedules.nightly.zone=America/Chicago",
					"gtask.periodic.schedules.nightly.args[0]=orders", "gtask.periodic.schedules.nightly.args[1]=30",
					"gtask.periodic.schedules.nightly.queue=maintenance",
					"gtask.periodic.schedules.weekly.task=report", "gtask.periodic.schedules.weekly.cron=@weekly",
					"gtask.periodic.schedules.weekly.missed-ticks=skip", "gtask.backend.store-arguments=false")
			.run((context) -> {
				PeriodicTaskScheduler scheduler = context.getBean(PeriodicTaskScheduler.class);
				assertThat(scheduler.getGrace()).isEqualTo(Duration.ofSeconds(45));
				assertThat(scheduler).extracting("ticker.firer.sender").isSameAs(context.getBean(TaskSender.class));
				assertThat(context.getBean(TaskSender.class)).extracting("preparer.storeArguments").isEqualTo(false);
				assertThat(scheduler.getSchedules()).filteredOn((schedule) -> schedule.id().equals("nightly"))
					.containsExactly(new PeriodicSchedule("nightly", "cleanup", CronExpression.parse("0 30 2 * * *"),
							ZoneId.of("America/Chicago"), List.of("orders", "30"), "maintenance",
							MissedTickPolicy.RUN_ONCE));
				// a configured schedule of a local handler goes to the handler's queue
				assertThat(scheduler.getSchedules()).filteredOn((schedule) -> schedule.id().equals("weekly"))
					.containsExactly(new PeriodicSchedule("weekly", "report", CronExpression.parse("@weekly"),
							ZoneId.systemDefault(), List.of(), "reports", MissedTickPolicy.SKIP));
				assertThat(scheduler.getSchedules()).filteredOn((schedule) -> schedule.id().equals("beat"))
					.singleElement()
					.extracting(PeriodicSchedule::missedTicks)
					.isEqualTo(MissedTickPolicy.RUN_ONCE);
			});
	}

	@Test
	void invalidCronFailsStartupNamingTheSchedule() {
		this.runner
			.withPropertyValues("gtask.periodic.schedules.nightly.task=cleanup",
					"gtask.periodic.schedules.nightly.cron=every night")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(cause(context))
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("gtask.periodic.schedules.nightly.cron")
					.hasMessageContaining("Periodic schedule 'nightly' has an invalid cron expression")
					.hasMessageContaining("every night");
			});
	}

	@Test
	void missingCronFailsStartupNamingTheSchedule() {
		this.runner.withPropertyValues("gtask.periodic.schedules.nightly.task=cleanup").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(cause(context))
				.hasMessageContaining("gtask.periodic.schedules.nightly.cron")
				.hasMessageContaining("Periodic schedule 'nightly' needs a cron expression");
		});
	}

	@Test
	void blankTaskFailsStartupNamingTheSchedule() {
		this.runner
			.withPropertyValues("gtask.periodic.schedules.nightly.task= ",
					"gtask.periodic.schedules.nightly.cron=0 0 3 * * *")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(cause(context))
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("gtask.periodic.schedules.nightly.task")
					.hasMessageContaining("Periodic schedule 'nightly' needs the name of the task to send");
			});
	}

	@Test
	void invalidZoneFailsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("gtask.periodic.schedules.nightly.task=cleanup",
					"gtask.periodic.schedules.nightly.cron=0 0 3 * * *",
					"gtask.periodic.schedules.nightly.zone=Mars/Olympus")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("Failed to bind properties under 'gtask.periodic.schedules.nightly.zone'");
			});
	}

	@Test
	void scheduleWhoseTaskIdsBreakTheRulesOfSendingFailsStartup() {
		String id = "s".repeat(190);
		this.runner
			.withPropertyValues("gtask.periodic.schedules." + id + ".task=cleanup",
					"gtask.periodic.schedules." + id + ".cron=0 0 3 * * *")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("Invalid schedule id 'sss")
					.hasStackTraceContaining("at most 200 characters");
			});
	}

	@Test
	void invalidQueueFailsStartupNamingTheSchedule() {
		this.runner
			.withPropertyValues("gtask.periodic.schedules.nightly.task=cleanup",
					"gtask.periodic.schedules.nightly.cron=0 0 3 * * *", "gtask.periodic.schedules.nightly.queue={x}")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(cause(context))
					.hasMessageContaining("gtask.periodic.schedules.nightly.queue")
					.hasMessageContaining("Invalid queue name '{x}'");
			});
	}

	@Test
	void negativeGraceFailsStartup() {
		this.runner.withPropertyValues("gtask.periodic.grace=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(cause(context))
				.hasMessageContaining("gtask.periodic.grace")
				.hasMessageContaining("must not be negative");
		});
	}

	@Test
	void argumentsThatTheLocalHandlerCannotTakeFailStartup() {
		this.runner.withBean(CronTasks.class)
			.withPropertyValues("gtask.periodic.schedules.purge.task=cleanup",
					"gtask.periodic.schedules.purge.cron=0 0 3 * * *", "gtask.periodic.schedules.purge.args=orders")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(cause(context))
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("gtask.periodic.schedules.purge.args")
					.hasMessageContaining("task 'cleanup' (String table, int days) cannot take")
					.hasMessageContaining("takes 2 argument(s)");
			});
		this.runner.withBean(CronTasks.class)
			.withPropertyValues("gtask.periodic.schedules.purge.task=cleanup",
					"gtask.periodic.schedules.purge.cron=0 0 3 * * *",
					"gtask.periodic.schedules.purge.args=orders,thirty")
			.run((context) -> assertThat(cause(context))
				.hasMessageContaining("Argument 2 of task 'cleanup'"));
	}

	@Test
	void scheduleIdOfACronHandlerCannotBeUsedAgainInProperties() {
		this.runner.withBean(CronTasks.class)
			.withPropertyValues("gtask.periodic.schedules.beat.task=report",
					"gtask.periodic.schedules.beat.cron=0 0 3 * * *")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(cause(context))
					.hasMessageContaining("gtask.periodic.schedules.beat")
					.hasMessageContaining("CronTasks.beat()")
					.hasMessageContaining("already has a schedule with the id 'beat'");
			});
	}

	@Test
	void propertyDefaultsAreTheLibraryDefaults() {
		PeriodicProperties periodic = new GTaskProperties().getPeriodic();
		assertThat(periodic.isEnabled()).isTrue();
		assertThat(periodic.getGrace()).isEqualTo(PeriodicTaskScheduler.DEFAULT_GRACE);
		assertThat(periodic.getMissedTicks()).isEqualTo(MissedTickPolicy.SKIP);
		assertThat(periodic.getSchedules()).isEmpty();
	}

	private static Throwable cause(AssertableApplicationContext context) {
		return NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
	}

	/**
	 * Keeps the scheduler from starting, so these tests need no Redis.
	 */
	static class NoAutoStartup implements BeanPostProcessor {

		@Override
		public Object postProcessBeforeInitialization(Object bean, String beanName) {
			if (bean instanceof PeriodicTaskScheduler scheduler) {
				scheduler.setAutoStartup(false);
			}
			return bean;
		}

	}

	static class CronTasks {

		@TaskHandler(value = "beat", cron = "*/30 * * * * *")
		void beat() {
		}

		@TaskHandler(value = "report", queue = "reports", cron = "0 0 3 * * *", zone = "Europe/Paris")
		String report(TaskContext context) {
			return context.id();
		}

		@TaskHandler(value = "routed", queue = "ignored", cron = "0 0 * * * *")
		void routed() {
		}

		@TaskHandler("cleanup")
		int cleanup(String table, int days) {
			return days;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTickStore {

		@Bean
		PeriodicTickStore userTickStore() {
			return new PeriodicTickStore() {

				@Override
				public boolean fire(PeriodicSchedule schedule, Instant tick, @Nullable OutgoingTask task) {
					return false;
				}

				@Override
				public @Nullable Instant lastTick(PeriodicSchedule schedule) {
					return null;
				}

			};
		}

	}

}
