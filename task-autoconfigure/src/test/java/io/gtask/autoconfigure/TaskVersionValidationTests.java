package io.gtask.autoconfigure;

import io.gtask.core.TaskHandler;
import io.gtask.core.TaskHandlerDefinitionException;
import io.gtask.core.TaskUpcaster;
import io.gtask.registry.TaskVersions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Versions of handlers and their upcasters are checked when the application starts. The
 * contexts are refreshed without starting the container, so no Redis is needed here.
 */
class TaskVersionValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				GTaskAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1", "gtask.worker.auto-startup=false");

	@Test
	void aChainOfUpcastersUpToTheHandlersVersionStartsAndUpcastsStepByStep() {
		this.runner.withBean(Version3.class)
			.withBean("from1", TaskUpcaster.class, () -> appending("from1", 1))
			.withBean("from2", TaskUpcaster.class, () -> appending("from2", 2))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TaskVersions versions = context.getBean(TaskVersions.class);
				ArrayNode args = JsonNodeFactory.instance.arrayNode().add("start");
				assertThat(versions.upcast("greet", 1, 3, args).toString()).isEqualTo("[\"start\",\"from1\",\"from2\"]");
				assertThat(versions.upcast("greet", 2, 3, args).toString()).isEqualTo("[\"start\",\"from2\"]");
				assertThat(args.size()).isEqualTo(1);
				assertThat(versions.versionToSend("greet")).isEqualTo(3);
				assertThat(versions.versionToSend("unknown")).isEqualTo(1);
			});
	}

	@Test
	void aChainThatStartsAboveTheFirstVersionStarts() {
		this.runner.withBean(Version3.class)
			.withBean("from2", TaskUpcaster.class, () -> appending("from2", 2))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aGapInTheChainFailsStartupNamingTheTaskAndTheVersions() {
		this.runner.withBean(Version3.class)
			.withBean("from1", TaskUpcaster.class, () -> appending("from1", 1))
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("'greet'")
				.hasMessageContaining("version 3")
				.hasMessageContaining("from version 2"));
	}

	@Test
	void twoUpcastersFromOneVersionFailStartup() {
		this.runner.withBean(Version3.class)
			.withBean("from1", TaskUpcaster.class, () -> appending("from1", 1))
			.withBean("from1Again", TaskUpcaster.class, () -> appending("again", 1))
			.withBean("from2", TaskUpcaster.class, () -> appending("from2", 2))
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("'greet'")
				.hasMessageContaining("from version 1")
				.hasMessageContaining("'from1'")
				.hasMessageContaining("'from1Again'"));
	}

	@Test
	void anUpcasterToAVersionAboveTheHandlersFailsStartup() {
		this.runner.withBean(Version3.class)
			.withBean("from2", TaskUpcaster.class, () -> appending("from2", 2))
			.withBean("from3", TaskUpcaster.class, () -> appending("from3", 3))
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("'greet'")
				.hasMessageContaining("from version 3 to version 4")
				.hasMessageContaining("version 3"));
	}

	@Test
	void anUpcasterOfATaskWithoutAHandlerFailsStartup() {
		this.runner.withBean("from1", TaskUpcaster.class, () -> appending("from1", 1))
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("'greet'")
				.hasMessageContaining("no handler"));
	}

	@Test
	void anUpcasterFromVersionZeroFailsStartup() {
		this.runner.withBean(Version3.class)
			.withBean("from0", TaskUpcaster.class, () -> appending("from0", 0))
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("'greet'")
				.hasMessageContaining("from version 0"));
	}

	@Test
	void aHandlerVersionBelowOneFailsStartup() {
		this.runner.withBean(Version0.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("'greet'")
				.hasMessageContaining("version 0"));
	}

	@Test
	void aConfiguredVersionAboveTheLocalHandlersFailsStartup() {
		this.runner.withBean(Version3.class)
			.withPropertyValues("gtask.versions.tasks.greet=4")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("gtask.versions.tasks.greet")
				.hasMessageContaining("version 3"));
	}

	@Test
	void aConfiguredVersionIsSentInsteadOfTheHandlers() {
		this.runner.withBean(Version3.class)
			.withPropertyValues("gtask.versions.tasks.greet=2", "gtask.versions.tasks.other=5")
			.run((context) -> {
				TaskVersions versions = context.getBean(TaskVersions.class);
				assertThat(versions.versionToSend("greet")).isEqualTo(2);
				assertThat(versions.versionToSend("other")).isEqualTo(5);
			});
	}

	@Test
	void propertyDefaultsAreTheLibrarysDefaults() {
		VersionProperties properties = new GTaskProperties().getVersions();
		assertThat(properties.getFutureHandBackWindow()).isEqualTo(TaskVersions.DEFAULT_FUTURE_HAND_BACK_WINDOW);
		assertThat(properties.getFutureHandBackDelay()).isEqualTo(TaskVersions.DEFAULT_FUTURE_HAND_BACK_DELAY);
		assertThat(properties.getTasks()).isEmpty();
	}

	private static TaskUpcaster appending(String marker, int from) {
		return TaskUpcaster.of("greet", from, (args) -> args.add(marker));
	}

	/**
	 * A handler of version 3.
	 */
	public static class Version3 {

		@TaskHandler(value = "greet", version = 3)
		public String greet(String first, String last, String title) {
			return title + " " + first + " " + last;
		}

	}

	/**
	 * A handler of an impossible version.
	 */
	public static class Version0 {

		@TaskHandler(value = "greet", version = 0)
		public String greet(String name) {
			return name;
		}

	}

}
