package io.gtask.worker;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.gtask.backend.TaskStateChange;
import io.gtask.broker.Delivery;
import io.gtask.broker.Settlement;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.metrics.TaskMetrics;
import io.gtask.metrics.TaskOrigin;
import org.jspecify.annotations.Nullable;

/**
 * Where every attempt ends: each method builds the outcome of one way an attempt can end, hands
 * it to the {@link OutcomeWriter} and gives back the attempt's worker slot, in that order and in
 * one place ({@link #complete(Outcome)}). An attempt ends once, so exactly one of these methods
 * is called for it; deciding which, and winning the race between a handler's return, its
 * timeout and a cancellation, is the {@link TaskExecution}'s part.
 */
final class ExecutionFinisher {

	private final OutcomeWriter writer;

	private final WorkerSlots slots;

	private final DeadLetterFactory deadLetters;

	private final TaskMetrics metrics;

	private final TaskMessageCodec codec;

	private final Clock clock;

	ExecutionFinisher(OutcomeWriter writer, WorkerSlots slots, DeadLetterFactory deadLetters, TaskMetrics metrics,
			TaskMessageCodec codec, Clock clock) {
		this.writer = writer;
		this.slots = slots;
		this.deadLetters = deadLetters;
		this.metrics = metrics;
		this.codec = codec;
		this.clock = clock;
	}

	/**
	 * Record that the handler of an attempt is about to run; the attempt goes on.
	 */
	void started(TaskMessage message, Instant at) {
		this.writer.add(Outcome.state(TaskStateChange.started(message.id(), message.name(), message.queue(), at,
				message.attempt())));
		this.metrics.started(message.queue(), message.name(), waitNanos(message, at));
	}

	void succeeded(Delivery delivery, TaskMessage message, String json, @Nullable Instant startedAt) {
		complete(Outcome.finish(TaskStateChange.success(message.id(), message.name(), message.queue(),
				this.clock.instant(), message.attempt(), json), delivery).releasing(message).inFlow(message)
			.noted(message, null, startedAt));
	}

	/**
	 * The attempt failed and the task runs again at {@code next}.
	 */
	void retry(Delivery delivery, TaskMessage message, TaskError error, Instant at, Instant next) {
		complete(Outcome.retry(TaskStateChange.retry(message.id(), message.name(), message.queue(), at,
				message.attempt(), error, next), delivery, this.codec.encode(message.nextAttempt()), next));
	}

	/**
	 * The task failed for good: it is recorded as {@code FAILURE} and kept as a dead letter.
	 */
	void failed(Delivery delivery, TaskMessage message, TaskError error, int attempts, Instant at) {
		failed(delivery, message, error, attempts, at, null, null);
	}

	/**
	 * The task failed for good, from an exception whose stack trace the index of ended tasks
	 * keeps.
	 */
	void failed(Delivery delivery, TaskMessage message, TaskError error, int attempts, Instant at,
			@Nullable Throwable cause, @Nullable Instant startedAt) {
		this.metrics.deadLettered(message.queue(), message.name());
		complete(this.deadLetters.failed(delivery, message, error, attempts, at)
			.inFlow(message)
			.noted(message, cause, startedAt));
	}

	void revoked(Delivery delivery, TaskMessage message, TaskError error, int attempts, Instant at) {
		complete(Outcome.finish(TaskStateChange.revoked(message.id(), message.name(), message.queue(), at, attempts,
				error), delivery).releasing(message).inFlow(message).noted(message, null, null));
	}

	void expired(Delivery delivery, TaskMessage message, TaskError error, Instant at) {
		complete(Outcome.finish(TaskStateChange.expired(message.id(), message.name(), message.queue(), at,
				message.attempt() - 1, error), delivery).releasing(message).inFlow(message).noted(message, null, null));
	}

	/**
	 * The handler of a manual-commit task returned without committing: its delivery is
	 * acknowledged and its task stays {@code STARTED} until it is committed.
	 */
	void awaitingCommit(Delivery delivery, TaskMessage message) {
		complete(Outcome.finish(null, delivery).releasing(message));
	}

	/**
	 * A manual-commit task was committed back to its queue: it runs again at once, as the same
	 * attempt.
	 */
	void requeued(Delivery delivery, TaskMessage message) {
		Instant now = this.clock.instant();
		// handed back with its delivery's settlement; counted as a late requeue, sent again, is
		this.metrics.sent(message.queue(), message.name(), TaskOrigin.REQUEUE);
		complete(new Outcome(TaskStateChange.requeued(message.id(), message.name(), message.queue(), now),
				Settlement.retryLater(delivery, this.codec.encode(message), now)).releasing(message));
	}

	/**
	 * The message is of a newer version than its handler here: it is queued again at
	 * {@code at}, for a newer worker, without counting an attempt; its task stays as it was.
	 */
	void handedBack(Delivery delivery, TaskMessage message, Instant at) {
		complete(new Outcome(null, Settlement.retryLater(delivery, this.codec.encode(message), at)).releasing(message));
	}

	/**
	 * The message is not valid: it is kept as a dead letter.
	 */
	void malformed(Delivery delivery, MalformedTaskMessageException ex, @Nullable TaskMessage read) {
		Outcome outcome = this.deadLetters.malformed(delivery, ex, read, this.clock.instant());
		this.metrics.deadLettered(delivery.queue(), null);
		complete(outcome);
	}

	/**
	 * A delivery made too often is set aside before it runs; it holds no slot.
	 * @param delivery the delivery
	 * @param maxDeliveries the deliveries allowed
	 */
	void poisoned(Delivery delivery, int maxDeliveries) {
		Outcome outcome = this.deadLetters.poison(delivery, maxDeliveries, this.clock.instant());
		Settlement settlement = outcome.settlement();
		String name = (settlement != null && settlement.deadLetter() != null) ? settlement.deadLetter().name() : null;
		this.metrics.deadLettered(delivery.queue(), name);
		this.writer.add(outcome);
	}

	private void complete(Outcome outcome) {
		this.writer.add(outcome);
		this.slots.release();
	}

	/**
	 * How long the first attempt of a task waited since it was sent, or since it was due; a
	 * retry waited for its back-off, which is not counted.
	 */
	private static long waitNanos(TaskMessage message, Instant now) {
		if (message.attempt() != 1) {
			return -1;
		}
		long from = message.createdAt();
		String due = message.headers().get(TaskMessage.DUE_HEADER);
		if (due != null) {
			try {
				from = Math.max(from, Long.parseLong(due));
			}
			catch (NumberFormatException ex) {
				// written by another sender: measured from when it was sent
			}
		}
		return TimeUnit.MILLISECONDS.toNanos(Math.max(0, now.toEpochMilli() - from));
	}

}
