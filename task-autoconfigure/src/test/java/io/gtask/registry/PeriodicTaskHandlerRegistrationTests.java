package io.gtask.registry;

import java.time.ZoneId;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskHandlerDefinitionException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code cron} and {@code zone} attributes of {@link TaskHandler}, and the startup failures
 * of periodic handlers that cannot work.
 */
class PeriodicTaskHandlerRegistrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				GTaskAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1", "gtask.worker.auto-startup=false");

	@Test
	void cronHandlerExposesItsCronAndZone() {
		this.runner.withBean(CronTasks.class).run((context) -> {
			TaskRegistry registry = context.getBean(TaskRegistry.class);
			TaskHandlerMethod report = registry.find("report");
			assertThat(report.getCron()).isEqualTo(CronExpression.parse("0 0 3 * * *"));
			assertThat(report.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
			TaskHandlerMethod beat = registry.find("beat");
			assertThat(beat.getCron()).isEqualTo(CronExpression.parse("*/30 * * * * *"));
			assertThat(beat.getZone()).isNull();
			assertThat(beat.getSignature()).isEqualTo("()");
			TaskHandlerMethod plain = registry.find("plain");
			assertThat(plain.getCron()).isNull();
			assertThat(plain.getZone()).isNull();
		});
	}

	@Test
	void cronHandlerThatTakesArgumentsFailsStartup() {
		this.runner.withBean(CronWithArguments.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("CronWithArguments.run(io.gtask.core.TaskContext,int)")
				.hasMessageContaining("has cron '0 * * * * *' but takes arguments (int count)")
				.hasMessageContaining("may declare only a TaskContext parameter");
		});
	}

	@Test
	void invalidCronFailsStartup() {
		this.runner.withBean(BadCron.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("BadCron.run()")
				.hasMessageContaining("invalid cron '0 0 25 * * *'");
		});
	}

	@Test
	void fiveFieldUnixCronFailsStartupNamingTheFormat() {
		this.runner.withBean(UnixCron.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("invalid cron '*/5 * * * *'")
				.hasMessageContaining("six fields, seconds first");
		});
	}

	@Test
	void invalidZoneFailsStartup() {
		this.runner.withBean(BadZone.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("BadZone.run()")
				.hasMessageContaining("invalid zone 'Mars/Olympus'");
		});
	}

	@Test
	void zoneWithoutCronFailsStartup() {
		this.runner.withBean(ZoneOnly.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("has zone 'UTC' but no cron");
		});
	}

	@Test
	void cronAndZoneMayComeFromProperties() {
		this.runner.withBean(PlaceholderCron.class)
			.withPropertyValues("app.cleanup.cron=0 15 * * * *", "app.cleanup.zone=Asia/Tokyo")
			.run((context) -> {
				TaskHandlerMethod cleanup = context.getBean(TaskRegistry.class).find("cleanup");
				assertThat(cleanup.getCron()).isEqualTo(CronExpression.parse("0 15 * * * *"));
				assertThat(cleanup.getZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
			});
	}

	@Test
	void dashCronTurnsTheScheduleOffAndTheHandlerStaysRegistered() {
		this.runner.withBean(PlaceholderCron.class)
			.withPropertyValues("app.cleanup.cron=-", "app.cleanup.zone=Asia/Tokyo")
			.run((context) -> {
				TaskHandlerMethod cleanup = context.getBean(TaskRegistry.class).find("cleanup");
				assertThat(cleanup).isNotNull();
				assertThat(cleanup.getCron()).isNull();
				assertThat(cleanup.getZone()).isNull();
			});
	}

	static class CronTasks {

		@TaskHandler(value = "report", cron = "0 0 3 * * *", zone = "Europe/Paris")
		String report(TaskContext context) {
			return context.id();
		}

		@TaskHandler(value = "beat", cron = "*/30 * * * * *")
		void beat() {
		}

		@TaskHandler("plain")
		void plain() {
		}

	}

	static class CronWithArguments {

		@TaskHandler(value = "counted", cron = "0 * * * * *")
		void run(TaskContext context, int count) {
		}

	}

	static class BadCron {

		@TaskHandler(value = "bad", cron = "0 0 25 * * *")
		void run() {
		}

	}

	static class UnixCron {

		@TaskHandler(value = "unix", cron = "*/5 * * * *")
		void run() {
		}

	}

	static class BadZone {

		@TaskHandler(value = "mars", cron = "0 0 * * * *", zone = "Mars/Olympus")
		void run() {
		}

	}

	static class ZoneOnly {

		@TaskHandler(value = "zoned", zone = "UTC")
		void run() {
		}

	}

	static class PlaceholderCron {

		@TaskHandler(value = "cleanup", cron = "${app.cleanup.cron}", zone = "${app.cleanup.zone}")
		void run() {
		}

	}

}
