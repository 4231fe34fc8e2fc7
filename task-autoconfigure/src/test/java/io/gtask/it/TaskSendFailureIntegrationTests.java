package io.gtask.it;

import java.time.Duration;

import io.gtask.core.PayloadTooLargeException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import io.gtask.test.TestRedis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What a caller is told when a task cannot be accepted.
 */
class TaskSendFailureIntegrationTests {

	@Test
	void oversizedPayloadIsRefusedAtTheCallerAndNothingIsQueued() {
		GTaskTestSupport.runner()
			.withPropertyValues("gtask.message.max-payload-size=1KB", "gtask.worker.enabled=false")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				String big = "x".repeat(2000);
				assertThatExceptionOfType(PayloadTooLargeException.class)
					.isThrownBy(() -> client.send(TaskRequest.of("echo").args(big).id("too-big").build()))
					.withMessageContaining("'echo'")
					.withMessageContaining("over the limit of 1024 bytes (gtask.message.max-payload-size)");
				assertThat(client.find("too-big")).isEmpty();
				assertThat(client.send("echo", "small")).isNotBlank();
			});
	}

	@Test
	void sendingWhileRedisIsDownFailsFastWithAClearException() {
		int deadPort = TestRedis.freePort();
		GTaskTestSupport.runner()
			.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:" + deadPort, "gtask.worker.enabled=false",
					"spring.data.redis.connect-timeout=1s")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				long start = System.nanoTime();
				assertThatExceptionOfType(TaskSendException.class).isThrownBy(() -> client.send("add", 1, 2))
					.withMessageStartingWith("Could not send task 'add': Redis is unavailable")
					.withMessageEndingWith("nothing was queued");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			});
	}

	@Test
	void invalidQueueNameIsRefused() {
		GTaskTestSupport.runner().withPropertyValues("gtask.worker.enabled=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> client.send(TaskRequest.of("add").args(1, 2).queue("a{b}").build()))
				.withMessageContaining("Invalid queue name 'a{b}'");
		});
	}

	@Test
	void idNameAndQueueAreRefusedByTheRulesWorkersApplyToWhatTheyRead() {
		GTaskTestSupport.runner().withPropertyValues("gtask.worker.enabled=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThatIllegalArgumentException().isThrownBy(() -> TaskRequest.of("add").id("a\u0000b").build())
				.withMessageContaining("Invalid task id 'a\\u0000b'")
				.withMessageContaining("without control characters");
			assertThatIllegalArgumentException().isThrownBy(() -> TaskRequest.of("add").id("i".repeat(201)).build())
				.withMessageContaining("(201 characters)")
				.withMessageContaining("1 to 200 characters");
			assertThatIllegalArgumentException().isThrownBy(() -> TaskRequest.of("n".repeat(201)))
				.withMessageContaining("Invalid task name");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> client.send(TaskRequest.of("add").args(1, 2).queue("a\u0001b").build()))
				.withMessageContaining("Invalid queue name 'a\\u0001b'");
			TaskRequest unchecked = new TaskRequest("add", java.util.List.of(1, 2), "tab\tid", null, null, null, null,
					null, 0, null, null, null, TaskRequest.OnDuplicate.FAIL);
			assertThatIllegalArgumentException().isThrownBy(() -> client.send(unchecked))
				.withMessageContaining("Invalid task id 'tab\\u0009id'");
			assertThat(client.find("tab\tid")).isEmpty();
		});
	}

	@Test
	void argumentsThatCannotBeWrittenAsJsonAreRefused() {
		GTaskTestSupport.runner().withPropertyValues("gtask.worker.enabled=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThatExceptionOfType(TaskSendException.class).isThrownBy(() -> client.send("add", new Unwritable()))
				.withMessageContaining("Arguments of task 'add' cannot be written as JSON");
		});
	}

	/**
	 * A value whose only property cannot be read.
	 */
	public static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("not readable");
		}

	}

}
