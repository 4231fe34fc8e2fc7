package io.gtask.broker;

import io.gtask.core.TaskLimit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gtask.core.DeadLetter;
import io.gtask.core.QueueInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract every broker passes, with its {@link QueueAdmin} and {@link DeadLetterStore}:
 * each subclass runs it against a real store.
 */
public abstract class TaskBrokerContractTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final String queue = "contract-" + UUID.randomUUID().toString().substring(0, 8);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private BrokerUnderTest tested;

	private TaskBroker broker;

	/**
	 * Create a broker on the store under test, with its queue administration and dead letter
	 * store, apart from the queues of any other test.
	 * @param limits the limits of task names it applies
	 * @param tracking whether it keeps track of the ids of the tasks it holds
	 * @return the broker and its companions
	 */
	protected abstract BrokerUnderTest createBroker(Map<String, TaskLimit> limits, boolean tracking);

	@BeforeEach
	void createDefaultBroker() {
		this.tested = createBroker(Map.of(), false);
		this.broker = this.tested.broker();
	}

	@AfterEach
	void closeConsumers() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void messagesAreFetchedHighestLaneFirstEachInTheOrderItWasQueued() {
		enqueue(0, "low-1");
		enqueue(5, "middle");
		enqueue(0, "low-2");
		enqueue(9, "high");
		List<Delivery> deliveries = consumer("first").fetch(10);
		assertThat(deliveries).extracting(this::taskId).containsExactly("high", "middle", "low-1", "low-2");
		assertThat(deliveries).extracting(Delivery::priority).containsExactly(9, 5, 0, 0);
		assertThat(deliveries).allSatisfy((delivery) -> {
			assertThat(delivery.queue()).isEqualTo(this.queue);
			assertThat(delivery.deliveryCount()).isEqualTo(1);
			assertThat(delivery.limitedName()).isNull();
		});
	}

	@Test
	void aFetchTakesNoMoreThanAskedAndEachMessageOnce() {
		enqueue(0, "a");
		enqueue(3, "b");
		enqueue(0, "c");
		TaskBroker.Consumer first = consumer("first");
		assertThat(first.fetch(2)).extracting(this::taskId).containsExactly("b", "a");
		assertThat(consumer("second").fetch(10)).extracting(this::taskId).containsExactly("c");
		assertThat(first.fetch(10)).isEmpty();
	}

	@Test
	void acknowledgedDeliveriesAreDoneWith() {
		enqueue(2, "done");
		Delivery delivery = single(consumer("first").fetch(10));
		assertThat(this.tested.admin().inspect(this.queue, Instant.now()).inFlight()).isEqualTo(1);
		this.broker.settle(List.of(Settlement.acknowledge(delivery)));
		QueueInfo info = this.tested.admin().inspect(this.queue, Instant.now());
		assertThat(info.pending()).isZero();
		assertThat(info.inFlight()).isZero();
		assertThat(this.broker.reclaim(this.queue, Duration.ofMillis(1), 10)).isZero();
	}

	@Test
	void anUnacknowledgedDeliveryIsReclaimedIntoItsLaneWithItsCountIncreased() {
		enqueue(4, "abandoned");
		Delivery first = single(consumer("dead").fetch(10));
		await().atMost(WAIT).until(() -> this.broker.reclaim(this.queue, Duration.ofMillis(1), 10) == 1);
		Delivery again = single(consumer("alive").fetch(10));
		assertThat(taskId(again)).isEqualTo("abandoned");
		assertThat(again.priority()).isEqualTo(4);
		assertThat(again.payload()).isEqualTo(first.payload());
		assertThat(again.deliveryCount()).isEqualTo(2);
	}

	@Test
	void aDeliveryKeptAliveIsNotReclaimed() {
		enqueue(0, "kept");
		enqueue(0, "left");
		List<Delivery> deliveries = consumer("first").fetch(10);
		Duration idle = Duration.ofMillis(300);
		await().pollDelay(idle.multipliedBy(2)).atMost(WAIT).until(() -> true);
		this.broker.keepAlive(List.of(deliveries.get(0)), "first");
		assertThat(this.broker.reclaim(this.queue, idle, 10)).isEqualTo(1);
		assertThat(consumer("second").fetch(10)).extracting(this::taskId).containsExactly("left");
	}

	@Test
	void aDeliveryHandedBackIsFetchedAgainByAnyConsumer() {
		enqueue(6, "handed");
		Delivery delivery = single(consumer("first").fetch(10));
		this.broker.handBack(List.of(delivery));
		Delivery again = single(consumer("second").fetch(10));
		assertThat(taskId(again)).isEqualTo("handed");
		assertThat(again.priority()).isEqualTo(6);
	}

	@Test
	void aDelayedMessageWaitsForItsDueTimeAndIsThenPromotedIntoItsLane() {
		Instant due = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
		enqueue(new OutgoingTask(this.queue, "later", message("later"), due, 4, null, null));
		TaskBroker.Consumer consumer = consumer("first");
		assertThat(consumer.fetch(10)).isEmpty();
		assertThat(this.tested.admin().delayed(this.queue, 0, 10)).singleElement().satisfies((entry) -> {
			assertThat(entry.priority()).isEqualTo(4);
			assertThat(entry.dueAt()).isEqualTo(due);
			assertThat(entry.payload()).isEqualTo(message("later"));
		});
		assertThat(this.tested.admin().inspect(this.queue, Instant.now()).delayed()).isEqualTo(1);
		assertThat(this.broker.promoteDue(this.queue, Instant.now(), 10)).isEqualTo(new Promotion(0, due));
		assertThat(this.broker.promoteDue(this.queue, due.plusMillis(1), 10)).isEqualTo(new Promotion(1, null));
		assertThat(this.tested.admin().delayed(this.queue, 0, 10)).isEmpty();
		Delivery delivery = single(consumer.fetch(10));
		assertThat(taskId(delivery)).isEqualTo("later");
		assertThat(delivery.priority()).isEqualTo(4);
	}

	@Test
	void aRetryIsScheduledAndRunsAgainInItsLaneWithItsNewMessage() {
		enqueue(3, "retried");
		Delivery delivery = single(consumer("first").fetch(10));
		byte[] next = message("retried", "{\"attempt\":2}");
		Instant due = Instant.now().minusMillis(1);
		this.broker.settle(List.of(Settlement.retryLater(delivery, next, due)));
		assertThat(this.tested.admin().inspect(this.queue, Instant.now()).inFlight()).isZero();
		assertThat(this.broker.promoteDue(this.queue, Instant.now(), 10).moved()).isEqualTo(1);
		Delivery again = single(consumer("second").fetch(10));
		assertThat(again.payload()).isEqualTo(next);
		assertThat(again.priority()).isEqualTo(3);
	}

	@Test
	void aTaskOverItsLimitIsSetAsideUntilAdmittedAndKeepsItsDeliveryCount() {
		BrokerUnderTest limited = createBroker(Map.of("capped", new TaskLimit(0, 1, 0, null)), false);
		limited.broker().enqueue(List.of(new OutgoingTask(this.queue, "capped-1",
				message("capped-1", "\"name\":\"capped\""), null))).join();
		TaskBroker.Consumer consumer = track(limited.broker().consumer(this.queue, "first"));
		Delivery delivery = single(consumer.fetch(10));
		assertThat(delivery.limitedName()).isEqualTo("capped");
		limited.broker().defer(List.of(delivery));
		assertThat(consumer.fetch(10)).isEmpty();
		assertThat(limited.admin().inspect(this.queue, Instant.now()).waiting()).isEqualTo(1);
		assertThat(limited.broker().admitWaiting(this.queue, Instant.now(), Map.of("capped", 0))).isZero();
		assertThat(limited.broker().admitWaiting(this.queue, Instant.now(), Map.of("capped", 1))).isEqualTo(1);
		Delivery again = single(consumer.fetch(10));
		assertThat(taskId(again)).isEqualTo("capped-1");
		assertThat(again.deliveryCount()).isEqualTo(delivery.deliveryCount());
	}

	@Test
	void aUniqueTaskIsQueuedOnceUntilItsKeyIsReleased() {
		assertThat(this.broker.enqueue(List.of(unique("first"))).join()).containsExactly((String) null);
		assertThat(this.broker.enqueue(List.of(unique("second"))).join()).containsExactly("first");
		Delivery delivery = single(consumer("first").fetch(10));
		this.broker.settle(List.of(Settlement.acknowledge(delivery).releasing("report", "first")));
		assertThat(this.broker.enqueue(List.of(unique("third"))).join()).containsExactly((String) null);
	}

	@Test
	void aTrackingBrokerHoldsATaskUntilItsSettlementNamesIt() {
		BrokerUnderTest tracking = createBroker(Map.of(), true);
		tracking.broker().enqueue(List.of(new OutgoingTask(this.queue, "tracked", message("tracked"), null))).join();
		assertThat(tracking.broker().findHeld(this.queue, List.of("tracked", "other"))).containsExactly("tracked");
		Delivery delivery = single(track(tracking.broker().consumer(this.queue, "first")).fetch(10));
		assertThat(tracking.broker().findHeld(this.queue, List.of("tracked"))).containsExactly("tracked");
		tracking.broker().settle(List.of(Settlement.acknowledge(delivery).releasing(null, "tracked")));
		assertThat(tracking.broker().findHeld(this.queue, List.of("tracked"))).isEmpty();
	}

	@Test
	void deadLettersAreKeptNewestFirstAndRemoved() {
		enqueue(0, "first");
		enqueue(0, "second");
		List<Delivery> deliveries = consumer("first").fetch(10);
		Instant deadAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		this.broker.settle(
				List.of(deadLetter(deliveries.get(0), deadAt), deadLetter(deliveries.get(1), deadAt.plusMillis(1))));
		DeadLetterStore store = this.tested.deadLetters();
		assertThat(store.deadLetterCount(this.queue)).isEqualTo(2);
		assertThat(this.tested.admin().inspect(this.queue, Instant.now()).inFlight()).isZero();
		List<DeadLetter> letters = store.deadLetters(this.queue, 0, 10);
		assertThat(letters).extracting(DeadLetter::taskId).containsExactly("second", "first");
		assertThat(store.deadLetters(this.queue, 1, 10)).extracting(DeadLetter::taskId).containsExactly("first");
		DeadLetter second = letters.get(0);
		assertThat(store.deadLetter(this.queue, second.id())).isEqualTo(second).satisfies((letter) -> {
			assertThat(letter.queue()).isEqualTo(this.queue);
			assertThat(letter.name()).isEqualTo("work");
			assertThat(letter.reason()).isEqualTo("failed for good");
			assertThat(letter.errorType()).isEqualTo("java.lang.IllegalStateException");
			assertThat(letter.attempts()).isEqualTo(3);
			assertThat(letter.deliveries()).isEqualTo(1);
			assertThat(letter.deadAt()).isEqualTo(deadAt.plusMillis(1));
			assertThat(letter.payload()).isEqualTo(deliveries.get(1).payload());
		});
		assertThat(store.removeDeadLetter(this.queue, second.id(), null)).isTrue();
		assertThat(store.removeDeadLetter(this.queue, second.id(), null)).isFalse();
		assertThat(store.deadLetter(this.queue, second.id())).isNull();
		assertThat(store.deadLetterCount(this.queue)).isEqualTo(1);
		assertThat(consumer("second").fetch(10)).isEmpty();
	}

	@Test
	void aRequeuedDeadLetterIsQueuedInTheGivenLaneOnce() {
		enqueue(0, "dead");
		Delivery delivery = single(consumer("first").fetch(10));
		this.broker.settle(List.of(deadLetter(delivery, Instant.now())));
		DeadLetterStore store = this.tested.deadLetters();
		String id = single(store.deadLetters(this.queue, 0, 10)).id();
		byte[] again = message("dead", "{\"attempt\":1}");
		assertThat(store.requeueDeadLetter(this.queue, id, again, 7)).isTrue();
		assertThat(store.requeueDeadLetter(this.queue, id, again, 7)).isFalse();
		assertThat(store.deadLetterCount(this.queue)).isZero();
		Delivery requeued = single(consumer("second").fetch(10));
		assertThat(requeued.priority()).isEqualTo(7);
		assertThat(requeued.payload()).isEqualTo(again);
	}

	@Test
	void aPausedQueueGivesNothingUntilResumed() {
		QueueAdmin admin = this.tested.admin();
		enqueue(0, "waits");
		admin.setPaused(this.queue, true);
		assertThat(admin.isPaused(this.queue)).isTrue();
		assertThat(admin.inspect(this.queue, Instant.now()).paused()).isTrue();
		TaskBroker.Consumer consumer = consumer("first");
		assertThat(consumer.fetch(10)).isEmpty();
		admin.setPaused(this.queue, false);
		assertThat(admin.isPaused(this.queue)).isFalse();
		assertThat(consumer.fetch(10)).extracting(this::taskId).containsExactly("waits");
	}

	@Test
	void aRevokedTaskIsDroppedWhenFetched() {
		enqueue(0, "revoked");
		enqueue(0, "kept");
		this.tested.admin().revoke(this.queue, "revoked", Instant.now());
		assertThat(consumer("first").fetch(10)).extracting(this::taskId).containsExactly("kept");
		assertThat(this.tested.admin().inspect(this.queue, Instant.now()).pending()).isZero();
	}

	@Test
	void inspectionCountsWhatTheQueueHoldsAndWhoConsumesIt() {
		enqueue(0, "pending");
		enqueue(8, "in-flight");
		enqueue(new OutgoingTask(this.queue, "delayed", message("delayed"), Instant.now().plusSeconds(3600)));
		assertThat(consumer("first").fetch(1)).extracting(this::taskId).containsExactly("in-flight");
		this.broker.heartbeat(this.queue, "first", Duration.ofMinutes(1));
		QueueInfo info = this.tested.admin().inspect(this.queue, Instant.now());
		assertThat(info.queue()).isEqualTo(this.queue);
		assertThat(info.pending()).isEqualTo(1);
		assertThat(info.inFlight()).isEqualTo(1);
		assertThat(info.delayed()).isEqualTo(1);
		assertThat(info.dead()).isZero();
		assertThat(info.waiting()).isZero();
		assertThat(info.paused()).isFalse();
		assertThat(info.consumers()).singleElement().satisfies((consumer) -> {
			assertThat(consumer.name()).isEqualTo("first");
			assertThat(consumer.inFlight()).isEqualTo(1);
			assertThat(consumer.aliveUntil()).isGreaterThan(System.currentTimeMillis());
		});
	}

	@Test
	void peekShowsThePendingMessagesFetchedFirstAndLast() {
		QueueAdmin admin = this.tested.admin();
		assertThat(admin.peek(this.queue, true)).isNull();
		enqueue(0, "low");
		enqueue(9, "high");
		enqueue(0, "lowest");
		assertThat(taskId(admin.peek(this.queue, true))).isEqualTo("high");
		assertThat(admin.peek(this.queue, true).priority()).isEqualTo(9);
		assertThat(taskId(admin.peek(this.queue, false))).isEqualTo("lowest");
		consumer("first").fetch(1);
		assertThat(taskId(admin.peek(this.queue, true))).isEqualTo("low");
	}

	@Test
	void aCancellationRequestReachesTheListeners() throws Exception {
		List<String> cancelled = new CopyOnWriteArrayList<>();
		track(this.broker.onCancellation(cancelled::add));
		await().atMost(WAIT).untilAsserted(() -> {
			this.broker.requestCancellation("running");
			assertThat(cancelled).contains("running");
		});
	}

	/**
	 * A broker under test with its companions over the same queues.
	 * @param broker the broker
	 * @param admin its queue administration
	 * @param deadLetters its dead letter store
	 */
	public record BrokerUnderTest(TaskBroker broker, QueueAdmin admin, DeadLetterStore deadLetters) {
	}

	private TaskBroker.Consumer consumer(String name) {
		return track(this.broker.consumer(this.queue, name));
	}

	private <T extends AutoCloseable> T track(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private void enqueue(int priority, String id) {
		enqueue(new OutgoingTask(this.queue, id, message(id), null, priority, null, null));
	}

	private void enqueue(OutgoingTask task) {
		assertThat(this.broker.enqueue(List.of(task)).join()).containsExactly((String) null);
	}

	private OutgoingTask unique(String id) {
		return new OutgoingTask(this.queue, id, message(id, "\"unique\":\"report\""), null, 0, "report",
				Duration.ofMinutes(1));
	}

	private Settlement deadLetter(Delivery delivery, Instant deadAt) {
		return Settlement.deadLetter(delivery, new DeadLetter(delivery.deliveryId(), this.queue, taskId(delivery),
				"work", "failed for good", "java.lang.IllegalStateException", 3, delivery.deliveryCount(), deadAt,
				delivery.payload()));
	}

	/**
	 * A task message as senders encode it, which brokers may read for the task id and name.
	 */
	private byte[] message(String id) {
		return message(id, "\"name\":\"work\"");
	}

	private byte[] message(String id, String more) {
		String extra = more.startsWith("{") ? "\"meta\":" + more : more;
		return ("{\"v\":1,\"id\":\"" + id + "\",\"queue\":\"" + this.queue + "\",\"args\":[]," + extra + "}")
			.getBytes(StandardCharsets.UTF_8);
	}

	private String taskId(Delivery delivery) {
		String text = new String(delivery.payload(), StandardCharsets.UTF_8);
		return text.replaceAll("^\\{\"v\":1,\"id\":\"([^\"]+)\".*$", "$1");
	}

	private static <T> T single(List<T> values) {
		assertThat(values).hasSize(1);
		return values.get(0);
	}

}
