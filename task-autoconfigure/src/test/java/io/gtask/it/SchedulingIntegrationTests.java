package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.gtask.core.DuplicateTaskException;
import io.gtask.core.QueueInfo;
import io.gtask.core.QueuedTask;
import io.gtask.core.ScheduledTask;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFailedException;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.test.MutableClock;
import io.gtask.worker.TaskContainer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Delays, priorities, unique tasks, expiry, revoke, cancel, pause and queue inspection on a
 * real Redis, several of them with a producer and workers in separate application contexts
 * that share one Redis as separate instances would.
 */
class SchedulingIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner worker = GTaskTestSupport.runner()
		.withUserConfiguration(HandlersConfiguration.class)
		.withPropertyValues("gtask.key-prefix=" + this.prefix);

	private final ApplicationContextRunner producer = this.worker.withPropertyValues("gtask.worker.enabled=false");

	private final ApplicationContextRunner manualWorker = this.worker
		.withPropertyValues("gtask.worker.auto-startup=false");

	@BeforeEach
	void reset() {
		FlowHandlers.reset();
	}

	@Test
	void delayedTaskWaitsUntilTheWorkerClockReachesItsDueTime() {
		this.manualWorker.run((context) -> {
			MutableClock clock = new MutableClock();
			TaskContainer container = context.getBean(TaskContainer.class);
			container.setClock(clock);
			container.start();
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send(TaskRequest.of("record").args("later").countdown(Duration.ofHours(6)).build());
			TaskQueues queues = context.getBean(TaskQueues.class);
			assertThat(queues.info("default").delayed()).isEqualTo(1);
			await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> client.status(id) == TaskStatus.PENDING);
			clock.advance(Duration.ofHours(6));
			assertThat(client.await(id, WAIT, String.class)).isEqualTo("later");
			assertThat(queues.info("default").delayed()).isZero();
		});
	}

	@Test
	void higherPrioritiesRunFirstAndPushToFrontRunsBeforeAll() {
		this.producer.run((producer) -> {
			TaskClient client = producer.getBean(TaskClient.class);
			List<String> ids = new ArrayList<>();
			ids.add(client.send("record", "low-1"));
			ids.add(client.send(TaskRequest.of("record").args("high-1").priority(7).build()));
			ids.add(client.send("record", "low-2"));
			ids.add(client.send(TaskRequest.of("record").args("mid").priority(3).build()));
			ids.add(client.send(TaskRequest.of("record").args("high-2").priority(7).build()));
			ids.add(client.send(TaskRequest.of("record").args("front").pushToFront().build()));
			this.worker.withPropertyValues("gtask.worker.concurrency=1", "gtask.worker.batch-size=1").run((worker) -> {
				for (String id : ids) {
					client.awaitCompletion(id, WAIT);
				}
			});
		});
		assertThat(FlowHandlers.ORDER).containsExactly("front", "high-1", "high-2", "mid", "low-1", "low-2");
	}

	@Test
	void inspectionCountsTasksAndPeeksAtTheNextAndLastOne() {
		this.producer.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskQueues queues = context.getBean(TaskQueues.class);
			assertThat(queues.peekNext("default")).isEmpty();
			String low = client.send("record", "low");
			client.send(TaskRequest.of("record").args("high").priority(9).build());
			String front = client.send(TaskRequest.of("record").args("front").pushToFront().build());
			client.send(TaskRequest.of("record").args("later").countdown(Duration.ofHours(1)).build());
			QueueInfo info = queues.info("default");
			assertThat(info.pending()).isEqualTo(3);
			assertThat(info.delayed()).isEqualTo(1);
			assertThat(info.inFlight()).isZero();
			assertThat(info.dead()).isZero();
			assertThat(info.paused()).isFalse();
			assertThat(info.consumers()).isEmpty();
			QueuedTask next = queues.peekNext("default").orElseThrow();
			assertThat(next.id()).isEqualTo(front);
			assertThat(next.priority()).isEqualTo(TaskRequest.FRONT);
			assertThat(next.args()).isEqualTo("[\"front\"]");
			assertThat(queues.peekLast("default").orElseThrow().id()).isEqualTo(low);
		});
	}

	@Test
	void scheduledTasksAreListedSoonestDueFirstWithTheirLaneAndArguments() {
		this.producer.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskQueues queues = context.getBean(TaskQueues.class);
			assertThat(queues.scheduled("default", 0, 10)).isEmpty();
			String later = client.send(TaskRequest.of("record").args("later").countdown(Duration.ofHours(2)).build());
			String sooner = client
				.send(TaskRequest.of("record").args("sooner").countdown(Duration.ofHours(1)).pushToFront().build());
			String soonest = client
				.send(TaskRequest.of("record").args("soonest").countdown(Duration.ofMinutes(5)).priority(4).build());
			client.send("record", "now");
			List<ScheduledTask> scheduled = queues.scheduled("default", 0, 10);
			assertThat(scheduled).extracting(ScheduledTask::id).containsExactly(soonest, sooner, later);
			assertThat(scheduled).extracting(ScheduledTask::priority).containsExactly(4, 10, 0);
			assertThat(scheduled.get(1).args()).isEqualTo("[\"sooner\"]");
			assertThat(scheduled.get(1).name()).isEqualTo("record");
			assertThat(scheduled.get(1).isRetry()).isFalse();
			assertThat(scheduled.get(0).dueAt()).isBefore(scheduled.get(1).dueAt());
			assertThat(scheduled.get(0).dueAt()).isAfter(scheduled.get(0).createdAt().plus(Duration.ofMinutes(4)));
			assertThat(queues.scheduled("default", 1, 1)).extracting(ScheduledTask::id).containsExactly(sooner);
			assertThat(queues.scheduled("default", 3, 10)).isEmpty();
		});
	}

	@Test
	void inspectionSeesTheConsumersAndTheTasksInFlight() {
		this.worker.withPropertyValues("gtask.worker.consumer-name=worker-one").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskQueues queues = context.getBean(TaskQueues.class);
			String id = client.send("block");
			await().atMost(WAIT).until(() -> client.status(id) == TaskStatus.STARTED);
			QueueInfo info = queues.info("default");
			assertThat(info.inFlight()).isEqualTo(1);
			assertThat(info.pending()).isZero();
			assertThat(info.consumers()).singleElement().satisfies((consumer) -> {
				assertThat(consumer.name()).isEqualTo("worker-one");
				assertThat(consumer.inFlight()).isEqualTo(1);
			});
			assertThat(client.cancel(id)).isTrue();
			await().atMost(WAIT).until(() -> client.status(id) == TaskStatus.REVOKED);
		});
	}

	@Test
	void pausedQueueKeepsAcceptingTasksAndNoInstanceRunsThemUntilResumed() {
		this.worker.run((first) -> this.worker.run((second) -> {
			TaskQueues queues = first.getBean(TaskQueues.class);
			TaskClient client = second.getBean(TaskClient.class);
			queues.pause("default");
			assertThat(second.getBean(TaskQueues.class).isPaused("default")).isTrue();
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				ids.add(client.send("record", "t" + i));
			}
			await().during(Duration.ofMillis(1500)).atMost(WAIT).until(() -> FlowHandlers.RUNS.get() == 0);
			assertThat(queues.info("default").pending()).isEqualTo(6);
			assertThat(queues.info("default").paused()).isTrue();
			queues.resume("default");
			for (String id : ids) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
		}));
	}

	@Test
	void revokedTaskNeverRunsOnAnyInstance() {
		this.producer.run((producer) -> {
			TaskClient client = producer.getBean(TaskClient.class);
			String revoked = client.send("record", "revoked");
			String kept = client.send("record", "kept");
			String delayed = client.send(TaskRequest.of("record").args("delayed").countdown(Duration.ofMillis(300)).build());
			assertThat(client.revoke(revoked)).isTrue();
			assertThat(client.revoke(delayed)).isTrue();
			assertThat(client.status(revoked)).isEqualTo(TaskStatus.REVOKED);
			this.worker.run((worker) -> {
				assertThat(client.await(kept, WAIT, String.class)).isEqualTo("kept");
				TaskQueues queues = worker.getBean(TaskQueues.class);
				await().atMost(WAIT).until(() -> {
					QueueInfo info = queues.info("default");
					return info.pending() + info.delayed() + info.inFlight() == 0;
				});
			});
			assertThat(FlowHandlers.ORDER).containsExactly("kept");
			TaskInfo info = client.info(revoked);
			assertThat(info.status()).isEqualTo(TaskStatus.REVOKED);
			assertThat(info.finishedAt()).isNotNull();
			assertThat(info.error().message()).contains("Revoked");
			assertThat(client.awaitCompletion(delayed, WAIT).status()).isEqualTo(TaskStatus.REVOKED);
			assertThatExceptionOfType(TaskFailedException.class).isThrownBy(() -> client.result(revoked, String.class))
				.withMessageContaining("REVOKED");
			assertThat(client.revoke(kept)).isFalse();
			assertThat(client.cancel(kept)).isFalse();
			assertThatExceptionOfType(TaskNotFoundException.class).isThrownBy(() -> client.revoke("no-such-task"));
		});
	}

	@Test
	void cancellingARunningTaskInterruptsItOnTheInstanceThatRunsItWithoutRetry() {
		this.worker.run((worker) -> this.producer.run((producer) -> {
			TaskClient client = producer.getBean(TaskClient.class);
			String id = client.send("block");
			await().atMost(WAIT).until(() -> client.status(id) == TaskStatus.STARTED);
			assertThat(client.revoke(id)).isFalse();
			assertThat(client.cancel(id)).isTrue();
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.REVOKED);
			assertThat(info.attempts()).isEqualTo(1);
			assertThat(info.error().message()).contains("cancelled on request");
			await().atMost(WAIT).until(() -> FlowHandlers.CANCELLED.contains(id));
			// the slot is freed just after the outcome is handed to the writer
			await().atMost(WAIT).until(() -> worker.getBean(TaskContainer.class).getActiveCount() == 0);
		}));
	}

	@Test
	void cancellationThatArrivesBeforeTheWorkerReadsTheTaskStopsItBeforeItStarts() {
		this.manualWorker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("record", "never");
			TaskContainer container = context.getBean(TaskContainer.class);
			// as when the request reaches the worker between its fetch and its reading the message
			assertThat(container.cancel(id)).isFalse();
			container.start();
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.REVOKED);
			assertThat(info.error().message()).contains("before it started");
			assertThat(FlowHandlers.ORDER).isEmpty();
		});
	}

	@Test
	void taskNotStartedBeforeItsExpiryDoesNotRunAndEndsExpired() {
		this.manualWorker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String expiring = client.send(TaskRequest.of("record").args("expiring").expires(Duration.ofMinutes(5)).build());
			String fresh = client.send(TaskRequest.of("record").args("fresh").expires(Duration.ofHours(2)).build());
			MutableClock clock = new MutableClock();
			clock.advance(Duration.ofHours(1));
			TaskContainer container = context.getBean(TaskContainer.class);
			container.setClock(clock);
			container.start();
			TaskInfo info = client.awaitCompletion(expiring, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.EXPIRED);
			assertThat(info.attempts()).isZero();
			assertThat(info.error().message()).contains("not started before it expired");
			assertThat(client.await(fresh, WAIT, String.class)).isEqualTo("fresh");
			assertThat(FlowHandlers.ORDER).containsExactly("fresh");
		});
	}

	@Test
	void duplicateTaskIdIsRefusedOrAnsweredWithTheExistingTask() {
		this.producer.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			client.send(TaskRequest.of("record").args("first").id("order-42").build());
			assertThatExceptionOfType(DuplicateTaskException.class)
				.isThrownBy(() -> client.send(TaskRequest.of("record").args("second").id("order-42").build()))
				.withMessageContaining("order-42")
				.satisfies((ex) -> assertThat(ex.getExistingTaskId()).isEqualTo("order-42"));
			assertThat(client.send(TaskRequest.of("record")
				.args("second")
				.id("order-42")
				.onDuplicate(TaskRequest.OnDuplicate.RETURN_EXISTING)
				.build())).isEqualTo("order-42");
			assertThat(context.getBean(TaskQueues.class).info("default").pending()).isEqualTo(1);
		});
	}

	@Test
	void uniqueTaskRefusesTheSameNameAndArgumentsWhileQueuedOrRunningAndNotAfter() {
		this.manualWorker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskRequest request = TaskRequest.of("record").args("report-7").unique(Duration.ofHours(1)).build();
			String first = client.send(request);
			assertThatExceptionOfType(DuplicateTaskException.class).isThrownBy(() -> client.send(request))
				.withMessageContaining("already queued or running as task " + first)
				.satisfies((ex) -> assertThat(ex.getExistingTaskId()).isEqualTo(first));
			TaskRequest again = TaskRequest.of("record")
				.args("report-7")
				.unique(Duration.ofHours(1))
				.onDuplicate(TaskRequest.OnDuplicate.RETURN_EXISTING)
				.build();
			assertThat(client.send(again)).isEqualTo(first);
			String other = client.send(TaskRequest.of("record").args("report-8").unique(Duration.ofHours(1)).build());
			assertThat(other).isNotEqualTo(first);
			assertThat(context.getBean(TaskQueues.class).info("default").pending()).isEqualTo(2);
			context.getBean(TaskContainer.class).start();
			client.awaitCompletion(first, WAIT);
			client.awaitCompletion(other, WAIT);
			await().atMost(WAIT)
				.ignoreException(DuplicateTaskException.class)
				.untilAsserted(() -> assertThat(client.send(request)).isNotEqualTo(first));
		});
	}

	@Test
	void uniquenessKeyIsHeldNoLongerThanItsTimeToLive() {
		this.producer.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskRequest request = TaskRequest.of("record").args("x").uniqueKey("nightly", Duration.ofMillis(300)).build();
			String first = client.send(request);
			assertThatExceptionOfType(DuplicateTaskException.class).isThrownBy(() -> client.send(request));
			await().atMost(WAIT)
				.ignoreException(DuplicateTaskException.class)
				.untilAsserted(() -> assertThat(client.send(request)).isNotEqualTo(first));
		});
	}

	@Test
	void revokedUniqueTaskReleasesItsKeyWhenAWorkerDropsIt() {
		this.worker.withPropertyValues("gtask.worker.auto-startup=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskRequest request = TaskRequest.of("record").args("once").unique(Duration.ofHours(1)).build();
			String first = client.send(request);
			assertThat(client.revoke(first)).isTrue();
			context.getBean(TaskContainer.class).start();
			await().atMost(WAIT)
				.ignoreException(DuplicateTaskException.class)
				.untilAsserted(() -> assertThat(client.send(request)).isNotEqualTo(first));
		});
	}

	@Test
	void failedUniqueTaskReleasesItsKey() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TaskRequest request = TaskRequest.of("unknown-task").unique(Duration.ofHours(1)).build();
			String first = client.send(request);
			assertThat(client.awaitCompletion(first, WAIT).status()).isEqualTo(TaskStatus.FAILURE);
			await().atMost(WAIT)
				.ignoreException(DuplicateTaskException.class)
				.untilAsserted(() -> assertThat(client.send(request)).isNotEqualTo(first));
		});
	}

	@Test
	void invalidPriorityIsRefusedWithAClearMessage() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> TaskRequest.of("record").priority(10))
			.withMessageContaining("Priority must be from 0 to 9 but was 10");
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlersConfiguration {

		@Bean
		FlowHandlers flowHandlers() {
			return new FlowHandlers();
		}

	}

}
