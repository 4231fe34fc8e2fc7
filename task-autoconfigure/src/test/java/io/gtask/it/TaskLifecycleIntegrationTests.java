package io.gtask.it;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.gtask.core.ArgumentBindingException;
import io.gtask.core.DuplicateTaskException;
import io.gtask.core.TaskAwaitTimeoutException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskError;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskFailedException;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFinishedException;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.core.TaskTimeoutException;
import io.gtask.core.UnknownTaskException;
import io.gtask.it.TestHandlers.Invoice;
import io.gtask.it.TestHandlers.InvoiceTotal;
import io.gtask.it.TestHandlers.Money;
import io.gtask.worker.TaskContainer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The life of a task on a real Redis, from send to its final state.
 */
class TaskLifecycleIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withUserConfiguration(HandlersConfiguration.class)
		.withPropertyValues("gtask.task.backoff.initial-interval=100ms", "gtask.task.backoff.jitter=0ms");

	@Test
	void addRunsAndItsResultCanBeAwaited() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("add", 2, 3);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(5);
			TaskInfo info = client.info(id);
			assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(info.name()).isEqualTo("add");
			assertThat(info.queue()).isEqualTo("default");
			assertThat(info.attempts()).isEqualTo(1);
			assertThat(info.result()).isEqualTo("5");
			assertThat(info.error()).isNull();
			assertThat(info.startedAt()).isNotNull();
			assertThat(info.finishedAt()).isAfterOrEqualTo(info.startedAt());
			assertThat(info.startedAt()).isAfterOrEqualTo(info.createdAt());
			assertThat(info.args()).isEqualTo("[2,3]");
			assertThat(client.find(id)).hasValueSatisfying((found) -> {
				assertThat(found.status()).isEqualTo(TaskStatus.SUCCESS);
				assertThat(found.args()).isEqualTo("[2,3]");
			});
		});
	}

	@Test
	void argumentsAreNotKeptWhenStoreArgumentsIsOff() {
		this.runner.withPropertyValues("gtask.backend.store-arguments=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("add", 2, 3);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(5);
			assertThat(client.find(id)).hasValueSatisfying((found) -> {
				assertThat(found.status()).isEqualTo(TaskStatus.SUCCESS);
				assertThat(found.result()).isEqualTo("5");
				assertThat(found.args()).isNull();
			});
		});
	}

	@Test
	void taskIsPendingUntilAWorkerTakesIt() {
		this.runner.withPropertyValues("gtask.worker.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(TaskContainer.class);
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("add", 1, 1);
			assertThat(client.status(id)).isEqualTo(TaskStatus.PENDING);
			assertThatExceptionOfType(TaskNotFinishedException.class).isThrownBy(() -> client.result(id, Integer.class))
				.withMessageContaining("PENDING");
			assertThatExceptionOfType(TaskAwaitTimeoutException.class)
				.isThrownBy(() -> client.await(id, Duration.ofMillis(300), Integer.class))
				.withMessageContaining(id)
				.withMessageContaining("PENDING");
		});
	}

	@Test
	void waitingCallerIsNotifiedWithoutPolling() {
		this.runner.withPropertyValues("gtask.result.poll-interval=1h").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("sleep", 300L);
			// the only poll is an hour away: only the notification can end these waits
			assertThat(client.await(id, WAIT, Long.class)).isEqualTo(300L);
			assertThat(client.whenFinished(client.send("add", 2, 40))).succeedsWithin(WAIT)
				.satisfies((info) -> assertThat(info.result()).isEqualTo("42"));
		});
	}

	@Test
	void runningTaskIsStarted() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("sleep", 1500L);
			await().atMost(WAIT).until(() -> client.status(id) == TaskStatus.STARTED);
			assertThat(client.info(id).startedAt()).isNotNull();
			assertThat(client.await(id, WAIT, Long.class)).isEqualTo(1500L);
		});
	}

	@Test
	void failingTaskIsRetriedWithBackoffAndThenSucceeds() {
		this.runner.run((context) -> {
			TestHandlers handlers = context.getBean(TestHandlers.class);
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("flaky", 2);
			await().atMost(WAIT).until(() -> client.status(id) == TaskStatus.RETRY);
			TaskInfo retrying = client.info(id);
			assertThat(retrying.error().type()).isEqualTo(IllegalStateException.class.getName());
			assertThat(retrying.error().message()).isEqualTo("failure 1");
			assertThat(retrying.nextAttemptAt()).isNotNull();
			assertThat(client.await(id, WAIT, String.class)).isEqualTo("ok after 3");
			TaskInfo info = client.info(id);
			assertThat(info.attempts()).isEqualTo(3);
			assertThat(info.error()).isNull();
			assertThat(info.nextAttemptAt()).isNull();
			List<Instant> attempts = handlers.flakyAttempts;
			// backoff = "200ms" on the handler, multiplier 2, no jitter: 200 ms, then 400 ms
			assertThat(Duration.between(attempts.get(0), attempts.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
			assertThat(Duration.between(attempts.get(1), attempts.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(400));
		});
	}

	@Test
	void historyOfATaskThatFailsOnceThenSucceedsTellsEachState() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("flaky", 1);
			assertThat(client.await(id, WAIT, String.class)).isEqualTo("ok after 2");
			TaskInfo info = client.find(id).orElseThrow();
			assertThat(info.history()).extracting(TaskEvent::status)
				.containsExactly(TaskStatus.PENDING, TaskStatus.STARTED, TaskStatus.RETRY, TaskStatus.STARTED,
						TaskStatus.SUCCESS);
			assertThat(info.history()).extracting(TaskEvent::attempt).containsExactly(0, 1, 1, 2, 2);
			assertThat(info.history()).extracting(TaskEvent::error)
				.containsExactly(null, null, new TaskError(IllegalStateException.class.getName(), "failure 1"), null,
						null);
			assertThat(info.history()).extracting(TaskEvent::at).isSorted();
			assertThat(info.history().get(0).at()).isEqualTo(info.createdAt());
			assertThat(info.history().get(3).at()).isEqualTo(info.startedAt());
			assertThat(info.history().get(4).at()).isEqualTo(info.finishedAt());
		});
	}

	@Test
	void backoffChosenAtSendSpacesTheRetries() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send(TaskRequest.of("fail").args("spaced").maxRetries(1).backoff(Duration.ofMillis(700)).build());
			await().atMost(WAIT).until(() -> client.status(id) == TaskStatus.RETRY);
			TaskInfo retrying = client.info(id);
			// handler and defaults say 100 ms; the sender asked for 700 ms, without jitter in these tests
			assertThat(Duration.between(retrying.startedAt(), retrying.nextAttemptAt()))
				.isGreaterThanOrEqualTo(Duration.ofMillis(650));
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.attempts()).isEqualTo(2);
		});
	}

	@Test
	void taskThatKeepsFailingEndsInFailureAfterItsRetries() {
		this.runner.withPropertyValues("gtask.task.max-retries=2").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("fail", "boom");
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.attempts()).isEqualTo(3);
			assertThat(info.error().type()).isEqualTo(IllegalStateException.class.getName());
			assertThat(info.error().message()).isEqualTo("boom");
			assertThat(info.result()).isNull();
			assertThatExceptionOfType(TaskFailedException.class).isThrownBy(() -> client.result(id, Object.class))
				.withMessageContaining("boom")
				.satisfies((ex) -> assertThat(ex.getInfo().id()).isEqualTo(id));
		});
	}

	@Test
	void retriesChosenAtSendOverrideTheDefault() {
		this.runner.withPropertyValues("gtask.task.max-retries=5").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send(TaskRequest.of("fail").args("once").maxRetries(0).build());
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.attempts()).isEqualTo(1);
		});
	}

	@Test
	void exceptionsMarkedNotRetryableFailAtOnce() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskInfo info = client.awaitCompletion(client.send("notRetried"), WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.attempts()).isEqualTo(1);
			assertThat(info.error().type()).isEqualTo(IllegalArgumentException.class.getName());
		});
	}

	@Test
	void nonRetryableExceptionsCanBeConfigured() {
		this.runner.withPropertyValues("gtask.task.non-retryable-exceptions=java.lang.IllegalStateException")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				TaskInfo info = client.awaitCompletion(client.send("fail", "no retry"), WAIT);
				assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
				assertThat(info.attempts()).isEqualTo(1);
			});
	}

	@Test
	void attemptThatRunsPastItsTimeoutFailsAndItsHandlerIsInterruptedAndCancelled() {
		this.runner.run((context) -> {
			TestHandlers handlers = context.getBean(TestHandlers.class);
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("slow");
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().type()).isEqualTo(TaskTimeoutException.class.getName());
			assertThat(info.error().message()).contains("timed out after 300 ms");
			assertThat(Duration.between(info.startedAt(), info.finishedAt())).isLessThan(Duration.ofSeconds(5));
			await().atMost(WAIT).until(() -> !handlers.cancelledAfterTimeout.isEmpty());
			assertThat(handlers.cancelledAfterTimeout).containsExactly(true);
			// what the handler returned after its timeout changes nothing
			assertThat(client.info(id).status()).isEqualTo(TaskStatus.FAILURE);
			// it responded to the interrupt, so its thread was not abandoned
			assertThat(context.getBean(TaskContainer.class).getAbandonedThreads()).isZero();
		});
	}

	@Test
	void timeoutChosenAtSendIsRetriedLikeAFailure() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send(TaskRequest.of("sleep").args(3000L).timeout(Duration.ofMillis(200)).maxRetries(1).build());
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.attempts()).isEqualTo(2);
			assertThat(info.error().type()).isEqualTo(TaskTimeoutException.class.getName());
		});
	}

	@Test
	void handlerThatIgnoresInterruptionLosesItsSlotButNotTheWorker() {
		this.runner.withPropertyValues("gtask.worker.concurrency=1").run((context) -> {
			TestHandlers handlers = context.getBean(TestHandlers.class);
			TaskClient client = context.getBean(TaskClient.class);
			TaskContainer container = context.getBean(TaskContainer.class);
			String stuck = client.send("stubborn");
			String next = client.send("add", 20, 22);
			assertThat(client.await(next, WAIT, Integer.class)).isEqualTo(42);
			// the next task ran in the only slot while the stubborn handler still spins on its thread
			assertThat(handlers.stubbornSpinning).isTrue();
			TaskInfo info = client.info(stuck);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().type()).isEqualTo(TaskTimeoutException.class.getName());
			await().atMost(WAIT).until(() -> container.getAbandonedThreads() == 1);
			handlers.releaseStubborn = true;
			await().atMost(WAIT).until(() -> !handlers.stubbornSpinning);
			assertThat(client.info(stuck).status()).isEqualTo(TaskStatus.FAILURE);
		});
	}

	@Test
	void errorThrownByHandlerFailsTheTaskNotTheWorker() {
		this.runner.withPropertyValues("gtask.task.max-retries=0").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskInfo info = client.awaitCompletion(client.send("crash", 0), WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().type()).isEqualTo(StackOverflowError.class.getName());
			assertThat(client.await(client.send("add", 1, 2), WAIT, Integer.class)).isEqualTo(3);
		});
	}

	@Test
	void unknownTaskNameEndsInFailureNamingTheTask() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskInfo info = client.awaitCompletion(client.send("no-such-task", 1), WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.attempts()).isEqualTo(0);
			assertThat(info.error().type()).isEqualTo(UnknownTaskException.class.getName());
			assertThat(info.error().message()).contains("'no-such-task'");
		});
	}

	@Test
	void wrongNumberOfArgumentsEndsInFailureWithoutRetry() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskInfo info = client.awaitCompletion(client.send("add", 1, 2, 3), WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.attempts()).isEqualTo(1);
			assertThat(info.error().type()).isEqualTo(ArgumentBindingException.class.getName());
			assertThat(info.error().message()).isEqualTo("Task 'add' takes 2 argument(s) (int a, int b) but was sent 3");
		});
	}

	@Test
	void argumentOfTheWrongTypeEndsInFailureNamingTheArgument() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskInfo info = client.awaitCompletion(client.send("add", 1, "two"), WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().type()).isEqualTo(ArgumentBindingException.class.getName());
			assertThat(info.error().message()).startsWith("Argument 2 of task 'add' (int a, int b) does not bind to int");
			TaskInfo nullInfo = client.awaitCompletion(client.send("add", 1, null), WAIT);
			assertThat(nullInfo.error().message()).contains("Argument 2").contains("null").contains("primitive");
		});
	}

	@Test
	void recordsListsMapsDatesAndNullBind() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			Invoice invoice = new Invoice("ACME", List.of(new Money("EUR", 1250), new Money("EUR", 750)),
					LocalDate.of(2026, 12, 31));
			InvoiceTotal total = client.await(client.send("invoice", invoice), WAIT, InvoiceTotal.class);
			assertThat(total).isEqualTo(new InvoiceTotal("ACME", new Money("EUR", 2000), LocalDate.of(2026, 12, 31)));
			Instant when = Instant.parse("2026-11-22T10:15:30Z");
			String described = client.await(client.send("describe", List.of(1, 2, 3), Map.of("k", "v"), null, when), WAIT,
					String.class);
			assertThat(described).isEqualTo("[1, 2, 3] {k=v} null 2026-11-22T10:15:30Z");
		});
	}

	@Test
	void contextIsInjected() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("context", "x");
			assertThat(client.await(id, WAIT, String.class)).isEqualTo(id + "/context/1/x");
		});
	}

	@Test
	void concurrencyIsReachedAndNotExceeded() {
		this.runner.withPropertyValues("gtask.worker.concurrency=4").run((context) -> {
			TestHandlers handlers = context.getBean(TestHandlers.class);
			handlers.gate = new CountDownLatch(1);
			TaskClient client = context.getBean(TaskClient.class);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				ids.add(client.send("gated", i));
			}
			await().atMost(WAIT).until(() -> handlers.running.get() == 4);
			// four run, four wait: none of the others may start while the gate is closed (a handler may
			// run a moment before its STARTED state is written)
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(ids.stream().filter((id) -> client.status(id) == TaskStatus.STARTED).count())
					.isEqualTo(4));
			assertThat(ids.stream().filter((id) -> client.status(id) == TaskStatus.PENDING).count()).isEqualTo(4);
			handlers.gate.countDown();
			for (int i = 0; i < 8; i++) {
				assertThat(client.await(ids.get(i), WAIT, Integer.class)).isEqualTo(i);
			}
			assertThat(handlers.maxRunning.get()).isEqualTo(4);
		});
	}

	@Test
	void countdownDelaysTheTask() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send(TaskRequest.of("add").args(1, 1).countdown(Duration.ofMillis(800)).build());
			assertThat(client.status(id)).isEqualTo(TaskStatus.PENDING);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(2);
			TaskInfo info = client.info(id);
			assertThat(Duration.between(info.createdAt(), info.startedAt())).isGreaterThanOrEqualTo(Duration.ofMillis(800));
		});
	}

	@Test
	void taskGoesToTheQueueItsHandlerNames() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("elsewhere");
			assertThat(client.await(id, WAIT, String.class)).isEqualTo("from other");
			assertThat(client.info(id).queue()).isEqualTo("other");
			assertThat(context.getBean(TaskContainer.class).getQueues()).containsExactly("default", "other");
		});
	}

	@Test
	void idleQueueDoesNotHoldTheSlotsOfABusyOne() {
		this.runner.withPropertyValues("gtask.worker.queues=idle,default", "gtask.worker.poll-timeout=2s")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				// a fetcher waiting on the idle queue for 2 s must not keep these waiting as long
				for (int i = 0; i < 20; i++) {
					assertThat(client.await(client.send("add", i, 1), Duration.ofMillis(1500), Integer.class))
						.isEqualTo(i + 1);
				}
			});
	}

	@Test
	void queueChosenAtSendIsUsed() {
		this.runner.withPropertyValues("gtask.worker.queues=default,special").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send(TaskRequest.of("add").args(3, 4).queue("special").build());
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(7);
			assertThat(client.info(id).queue()).isEqualTo("special");
		});
	}

	@Test
	void routesChooseTheQueueOfTasksSentWithoutOne() {
		this.runner.withPropertyValues("gtask.routes.add=fast").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("add", 5, 6);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(11);
			assertThat(client.info(id).queue()).isEqualTo("fast");
			assertThat(context.getBean(TaskContainer.class).getQueues()).contains("fast");
		});
	}

	@Test
	void unknownIdGetsADistinctAnswer() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThat(client.find("never-sent")).isEmpty();
			assertThatExceptionOfType(TaskNotFoundException.class).isThrownBy(() -> client.status("never-sent"))
				.withMessageContaining("'never-sent'");
			assertThatExceptionOfType(TaskNotFoundException.class).isThrownBy(() -> client.info("never-sent"));
			assertThatExceptionOfType(TaskNotFoundException.class)
				.isThrownBy(() -> client.await("never-sent", WAIT, Integer.class));
			assertThat(client.whenFinished("never-sent")).failsWithin(WAIT)
				.withThrowableThat()
				.withCauseInstanceOf(TaskNotFoundException.class);
		});
	}

	@Test
	void resultsExpireAfterTheirTimeToLive() {
		this.runner.withPropertyValues("gtask.result.ttl=1s").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("add", 1, 2);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(3);
			await().atMost(WAIT).until(() -> client.find(id).isEmpty());
			assertThatExceptionOfType(TaskNotFoundException.class).isThrownBy(() -> client.status(id));
		});
	}

	@Test
	void callerChosenIdIsUsedAndADuplicateIsRefused() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send(TaskRequest.of("count").args("dup").id("order-42").build());
			assertThat(id).isEqualTo("order-42");
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(1);
			assertThatExceptionOfType(DuplicateTaskException.class)
				.isThrownBy(() -> client.send(TaskRequest.of("count").args("dup").id("order-42").build()))
				.withMessageContaining("'order-42'");
			assertThat(context.getBean(TestHandlers.class).calls.get("dup").get()).isEqualTo(1);
		});
	}

	@Test
	void futureCompletesWithTheResult() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			CompletableFuture<Integer> sum = client.resultAsync(client.send("add", 20, 1), Integer.class);
			assertThat(sum).succeedsWithin(WAIT).isEqualTo(21);
			CompletableFuture<Object> failed = client.resultAsync(client.send("failOnce", "async"), Object.class);
			assertThat(failed).failsWithin(WAIT)
				.withThrowableThat()
				.withCauseInstanceOf(TaskFailedException.class)
				.withMessageContaining("async");
		});
	}

	@Test
	void sendAllQueuesManyTasksAtOnce() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<TaskRequest> requests = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				requests.add(TaskRequest.of("add").args(i, i).build());
			}
			List<String> ids = client.sendAll(requests);
			assertThat(ids).hasSize(200).doesNotHaveDuplicates();
			for (int i = 0; i < 200; i++) {
				assertThat(client.await(ids.get(i), WAIT, Integer.class)).isEqualTo(2 * i);
			}
		});
	}

	@Test
	void containerCanBeStoppedAndStartedAgain() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskContainer container = context.getBean(TaskContainer.class);
			assertThat(client.await(client.send("add", 1, 1), WAIT, Integer.class)).isEqualTo(2);
			container.stop();
			String id = client.send("add", 2, 2);
			assertThat(client.status(id)).isEqualTo(TaskStatus.PENDING);
			container.start();
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(4);
			// and keeps working once idle
			Thread.sleep(500);
			assertThat(client.await(client.send("add", 3, 3), WAIT, Integer.class)).isEqualTo(6);
		});
	}

	@Test
	void stoppingTheContainerWaitsForRunningTasks() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("sleep", 700L);
			await().atMost(WAIT).until(() -> client.status(id) == TaskStatus.STARTED);
			context.getBean(TaskContainer.class).stop();
			assertThat(client.status(id)).isEqualTo(TaskStatus.SUCCESS);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlersConfiguration {

		@Bean
		TestHandlers testHandlers() {
			return new TestHandlers();
		}

	}


}
