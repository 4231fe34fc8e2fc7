package io.gtask.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.autoconfigure.GTaskDashboardAutoConfiguration;
import io.gtask.autoconfigure.GTaskFlowAutoConfiguration;
import io.gtask.autoconfigure.GTaskJdbcBackendAutoConfiguration;
import io.gtask.autoconfigure.GTaskMetricsAutoConfiguration;
import io.gtask.autoconfigure.GTaskPeriodicAutoConfiguration;
import io.gtask.broker.TaskBroker;
import io.gtask.core.TaskAwaitTimeoutException;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskFailedException;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskHandlerDefinitionException;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskStatus;
import io.gtask.core.TaskUpcaster;
import io.gtask.worker.TaskContainer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tasks run in-process for an application's tests, with every gtask auto-configuration present
 * and backing off, and no Redis.
 */
class InProcessTasksTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InProcessTasksAutoConfiguration.class, DataRedisAutoConfiguration.class,
				JacksonAutoConfiguration.class, GTaskAutoConfiguration.class, GTaskFlowAutoConfiguration.class,
				GTaskPeriodicAutoConfiguration.class, GTaskMetricsAutoConfiguration.class,
				GTaskDashboardAutoConfiguration.class))
		// nothing listens there: a test that reached Redis would fail
		.withPropertyValues("spring.data.redis.url=redis://127.0.0.1:1")
		.withBean(Handlers.class);

	@Test
	void replacesTheClientAndConfiguresNothingOfRedis() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(TaskClient.class)).isSameAs(context.getBean(InProcessTasks.class));
			assertThat(context).doesNotHaveBean(TaskBroker.class).doesNotHaveBean(TaskContainer.class);
		});
	}

	@Test
	void argumentsOfAnOlderVersionSentByTheApplicationAreUpcastBeforeTheyRun() {
		this.runner.withBean(VersionedGreeter.class)
			.withBean("greetFromVersion1", TaskUpcaster.class,
					() -> TaskUpcaster.of("greet", 1, (args) -> args.add("Lovelace")))
			.withPropertyValues("gtask.versions.tasks.greet=1")
			.run((context) -> {
				InProcessTasks tasks = context.getBean(InProcessTasks.class);
				String id = tasks.send("greet", "Ada");
				assertThat(tasks.drain()).isEqualTo(1);
				assertThat(tasks.await(id, Duration.ofSeconds(1), String.class)).isEqualTo("Ada Lovelace");
			});
	}

	@Test
	void upcastersAreCheckedAsWhenTheApplicationRuns() {
		this.runner.withBean(VersionedGreeter.class)
			.withBean("greetFromVersion2", TaskUpcaster.class,
					() -> TaskUpcaster.of("greet", 2, (args) -> args))
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("'greet'")
				.hasMessageContaining("from version 2"));
	}

	@Test
	void recordsWhatIsSentAndRunsItOnDrainIncludingWhatTasksSend() {
		this.runner.run((context) -> {
			InProcessTasks tasks = context.getBean(InProcessTasks.class);
			String id = tasks.send(TaskRequest.of("order.place").args(7L, List.of("book", "pen")).queue("orders")
				.priority(5).build());
			assertThat(tasks.sent()).singleElement().satisfies((sent) -> {
				assertThat(sent.id()).isEqualTo(id);
				assertThat(sent.name()).isEqualTo("order.place");
				assertThat(sent.args()).containsExactly(7L, List.of("book", "pen"));
				assertThat(sent.queue()).isEqualTo("orders");
				assertThat(sent.priority()).isEqualTo(5);
			});
			assertThat(tasks.status(id)).isEqualTo(TaskStatus.PENDING);
			assertThatExceptionOfType(TaskAwaitTimeoutException.class)
				.isThrownBy(() -> tasks.await(id, Duration.ofSeconds(1), Integer.class))
				.withMessageContaining("call InProcessTasks.drain()");
			assertThat(tasks.drain()).isEqualTo(3);
			assertThat(tasks.await(id, Duration.ofSeconds(1), Integer.class)).isEqualTo(2);
			assertThat(tasks.sent("order.ship")).extracting(SentTask::args)
				.containsExactly(List.of(7L, "book"), List.of(7L, "pen"));
			String ship = tasks.sent("order.ship").get(0).id();
			assertThat(tasks.result(ship, new ParameterizedTypeReference<Map<String, Object>>() {
			})).containsEntry("item", "book");
			TaskInfo info = tasks.info(id);
			assertThat(info.queue()).isEqualTo("orders");
			assertThat(info.history()).extracting(io.gtask.core.TaskEvent::status)
				.containsExactly(TaskStatus.PENDING, TaskStatus.STARTED, TaskStatus.SUCCESS);
			tasks.reset();
			assertThat(tasks.sent()).isEmpty();
			assertThat(tasks.find(id)).isEmpty();
		});
	}

	@Test
	void runsOnSendWithRetriesFailuresAndClearErrors() {
		this.runner.withPropertyValues("gtask.test.in-process.run=on-send").run((context) -> {
			InProcessTasks tasks = context.getBean(InProcessTasks.class);
			Handlers handlers = context.getBean(Handlers.class);
			assertThat(tasks.getRun()).isEqualTo(InProcessTasks.Run.ON_SEND);
			String flaky = tasks.send("flaky");
			assertThat(tasks.status(flaky)).isEqualTo(TaskStatus.SUCCESS);
			assertThat(tasks.info(flaky).attempts()).isEqualTo(3);
			assertThat(handlers.flakyCalls.get()).isEqualTo(3);
			TaskInfo broken = tasks.info(tasks.send(TaskRequest.of("broken").maxRetries(1).build()));
			assertThat(broken.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(broken.attempts()).isEqualTo(2);
			assertThat(broken.error().message()).isEqualTo("always");
			assertThatExceptionOfType(TaskFailedException.class).isThrownBy(() -> tasks.result(broken.id(), String.class));
			TaskInfo refused = tasks.info(tasks.send("refused"));
			assertThat(refused.attempts()).as("noRetryFor").isEqualTo(1);
			TaskInfo unknown = tasks.info(tasks.send("nobody"));
			assertThat(unknown.error().message()).isEqualTo("No handler is registered for task 'nobody'");
			TaskInfo badArgument = tasks.info(tasks.send("order.place", "seven", List.of()));
			assertThat(badArgument.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(badArgument.attempts()).isEqualTo(1);
			assertThat(badArgument.error().message()).contains("Argument 1 of task 'order.place'");
			assertThatExceptionOfType(TaskSendException.class).isThrownBy(() -> tasks.send("flaky", new Unwritable()))
				.withMessageContaining("cannot be written as JSON");
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(tasks::flows)
				.withMessageContaining("docs/testing.md");
			List<Double> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
			String crunch = java.util.UUID.randomUUID().toString();
			tasks.onProgress(crunch, (progress) -> seen.add(progress.fraction()));
			tasks.send(TaskRequest.of("crunch").id(crunch).build());
			assertThat(seen).containsExactly(0.5, 1.0);
			assertThat(tasks.info(crunch).progress().message()).isEqualTo("done");
		});
	}

	@Test
	void queuesPauseTheDrainAndFailedTasksAreDeadLettersThatRunAgain() {
		this.runner.run((context) -> {
			InProcessTasks tasks = context.getBean(InProcessTasks.class);
			TaskQueues queues = context.getBean(TaskQueues.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			queues.pause("slow");
			String held = tasks.send(TaskRequest.of("flaky").queue("slow").build());
			String broken = tasks.send(TaskRequest.of("broken").maxRetries(0).build());
			assertThat(tasks.drain()).isEqualTo(1);
			assertThat(tasks.status(held)).isEqualTo(TaskStatus.PENDING);
			assertThat(queues.info("slow").pending()).isEqualTo(1);
			assertThat(queues.info("slow").paused()).isTrue();
			assertThat(queues.peekNext("slow")).get().satisfies((next) -> assertThat(next.id()).isEqualTo(held));
			assertThat(deadLetters.count("default")).isEqualTo(1);
			assertThat(deadLetters.list("default", 0, 10)).singleElement()
				.satisfies((letter) -> assertThat(letter.reason()).isEqualTo("always"));
			assertThat(deadLetters.requeue("default", broken)).contains(broken);
			assertThat(deadLetters.count("default")).isZero();
			queues.resume("slow");
			assertThat(tasks.drain()).isEqualTo(2);
			assertThat(tasks.info(broken).attempts()).isEqualTo(1);
			assertThat(deadLetters.count("default")).as("failed again").isEqualTo(1);
			assertThat(deadLetters.deleteAll("default")).isEqualTo(1);
			assertThat(deadLetters.count("default")).isZero();
		});
	}

	@Test
	void manualCommitLaterEndsTheTask() {
		this.runner.run((context) -> {
			InProcessTasks tasks = context.getBean(InProcessTasks.class);
			String id = tasks.send("approve");
			tasks.drain();
			assertThat(tasks.status(id)).isEqualTo(TaskStatus.STARTED);
			Handlers.LAST_CONTEXT.commit("approved");
			assertThat(tasks.await(id, Duration.ZERO, String.class)).isEqualTo("approved");
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> Handlers.LAST_CONTEXT.commit("again"))
				.withMessageContaining("committed already");
		});
	}

	@Test
	void tasksSentInATransactionWaitForItsCommit() {
		this.runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				GTaskJdbcBackendAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:inprocess;DB_CLOSE_DELAY=-1",
					"gtask.backend.type=jdbc")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				InProcessTasks tasks = context.getBean(InProcessTasks.class);
				TransactionTemplate transaction = new TransactionTemplate(
						new JdbcTransactionManager(context.getBean(DataSource.class)));
				String committed = transaction.execute((status) -> {
					String id = tasks.send("flaky");
					assertThat(tasks.sent()).isEmpty();
					assertThat(tasks.find(id)).isEmpty();
					return id;
				});
				assertThat(tasks.sent()).extracting(SentTask::id).containsExactly(committed);
				transaction.executeWithoutResult((status) -> {
					tasks.send("flaky");
					tasks.send(TaskRequest.of("broken").immediately().build());
					status.setRollbackOnly();
				});
				assertThat(tasks.sent()).extracting(SentTask::name).containsExactly("flaky", "broken");
			});
	}

	public static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("cannot be read");
		}

	}

	static class Handlers {

		static volatile TaskContext LAST_CONTEXT;

		final AtomicInteger flakyCalls = new AtomicInteger();

		private final ObjectProvider<TaskClient> client;

		Handlers(ObjectProvider<TaskClient> client) {
			this.client = client;
		}

		@TaskHandler("order.place")
		public int place(long order, List<String> items) {
			for (String item : items) {
				this.client.getObject().send("order.ship", order, item);
			}
			return items.size();
		}

		@TaskHandler("order.ship")
		public Map<String, Object> ship(long order, String item) {
			return Map.of("order", order, "item", item);
		}

		@TaskHandler(value = "flaky", maxRetries = 3)
		public String flaky() {
			if (this.flakyCalls.incrementAndGet() < 3) {
				throw new IllegalStateException("not yet");
			}
			return "third time";
		}

		@TaskHandler("broken")
		public void broken() {
			throw new IllegalStateException("always");
		}

		@TaskHandler(value = "refused", noRetryFor = IllegalArgumentException.class)
		public void refused() {
			throw new IllegalArgumentException("no");
		}

		@TaskHandler("crunch")
		public void crunch(TaskContext context) {
			context.progress(0.5);
			context.progress(1.0, "done");
		}

		@TaskHandler(value = "approve", manualCommit = true)
		public void approve(TaskContext context) {
			LAST_CONTEXT = context;
		}

	}

	/**
	 * A handler of version 2, whose version 1 took the first name only.
	 */
	public static class VersionedGreeter {

		@TaskHandler(value = "greet", version = 2)
		public String greet(String first, String last) {
			return first + " " + last;
		}

	}

}
