package io.gtask.worker;

import java.time.Instant;

import io.gtask.backend.TaskStateChange;
import io.gtask.broker.Delivery;
import io.gtask.core.DeadLetter;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.PoisonTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.UndecryptableTaskMessageException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.unit.DataSize;

/**
 * Builds the outcomes that set a delivery aside as a dead letter: a task that failed for good,
 * a message that is not valid, and a poison message delivered too often. Each keeps the message
 * as it was found and records the task as {@code FAILURE} when the message tells which task it
 * is.
 */
final class DeadLetterFactory {

	private static final LogAccessor logger = new LogAccessor(DeadLetterFactory.class);

	private final TaskMessageCodec codec;

	private final DataSize maxPayloadSize;

	DeadLetterFactory(TaskMessageCodec codec, DataSize maxPayloadSize) {
		this.codec = codec;
		this.maxPayloadSize = maxPayloadSize;
	}

	/**
	 * The outcome of a task that failed for good.
	 * @param delivery its delivery
	 * @param message its message
	 * @param error why it failed
	 * @param attempts the attempts it had
	 * @param at when it failed
	 * @return the outcome, releasing the uniqueness key of the task
	 */
	Outcome failed(Delivery delivery, TaskMessage message, TaskError error, int attempts, Instant at) {
		DeadLetter letter = new DeadLetter(delivery.deliveryId(), delivery.queue(), message.id(), message.name(),
				error.message(), error.type(), attempts, delivery.deliveryCount(), at, payload(delivery));
		return Outcome.dead(TaskStateChange.failure(message.id(), message.name(), message.queue(), at, attempts, error),
				delivery, letter).releasing(message);
	}

	/**
	 * The outcome of a message that is not valid, or breaks the rules of sending; a message that
	 * was read but broke a rule tells the name its task is recorded with, if that name is valid.
	 * @param delivery the delivery
	 * @param ex what is wrong with the message
	 * @param read the message, if it could be read
	 * @param at the time
	 * @return the outcome
	 */
	Outcome malformed(Delivery delivery, MalformedTaskMessageException ex, @Nullable TaskMessage read, Instant at) {
		logger.warn(() -> "Setting aside malformed message " + delivery.deliveryId() + " of queue '" + delivery.queue()
				+ "' as a dead letter: " + ex.getMessage());
		// an id the rules refuse is not recorded: no sender could have sent it
		String id = (ex.getTaskId() != null && TaskMessageRules.idProblem(ex.getTaskId()) == null) ? ex.getTaskId()
				: null;
		// arguments that cannot be decrypted leave the rest of the message readable
		String readName = (read != null) ? read.name()
				: (ex instanceof UndecryptableTaskMessageException undecryptable) ? undecryptable.getTaskName() : null;
		String name = (readName != null && TaskMessageRules.nameProblem(readName) == null) ? readName : null;
		TaskStateChange change = null;
		if (id != null) {
			change = TaskStateChange.failure(id, (name != null) ? name : "", delivery.queue(), at, 0, TaskError.of(ex));
		}
		DeadLetter letter = new DeadLetter(delivery.deliveryId(), delivery.queue(), id, name,
				String.valueOf(ex.getMessage()), ex.getClass().getName(), 0, delivery.deliveryCount(), at,
				payload(delivery));
		return Outcome.dead(change, delivery, letter);
	}

	/**
	 * The outcome of a delivery made more than {@code maxDeliveries} times, whose worker may have
	 * died each time. Its message is read if it can be, to record its task.
	 * @param delivery the delivery
	 * @param maxDeliveries the deliveries allowed
	 * @param at the time
	 * @return the outcome, releasing the uniqueness key of the task if its message was read
	 */
	Outcome poison(Delivery delivery, int maxDeliveries, Instant at) {
		String reason = "Delivered " + delivery.deliveryCount() + " times without finishing (more than "
				+ "gtask.worker.max-deliveries=" + maxDeliveries + "); its worker may have died each time";
		TaskMessage message = read(delivery);
		logger.warn(() -> "Setting aside task " + ((message != null) ? "'" + message.name() + "' (" + message.id() + ")"
				: delivery.deliveryId()) + " of queue '" + delivery.queue() + "': " + reason);
		TaskStateChange change = null;
		if (message != null) {
			change = TaskStateChange.failure(message.id(), message.name(), message.queue(), at, message.attempt(),
					new TaskError(PoisonTaskException.class.getName(), reason));
		}
		DeadLetter letter = new DeadLetter(delivery.deliveryId(), delivery.queue(),
				(message != null) ? message.id() : null, (message != null) ? message.name() : null, reason,
				PoisonTaskException.class.getName(), (message != null) ? message.attempt() : 0, delivery.deliveryCount(),
				at, payload(delivery));
		Outcome outcome = Outcome.dead(change, delivery, letter);
		return (message != null) ? outcome.releasing(message).inFlow(message) : outcome;
	}

	private @Nullable TaskMessage read(Delivery delivery) {
		byte[] payload = delivery.payload();
		if (payload == null) {
			return null;
		}
		try {
			TaskMessage message = this.codec.decode(payload);
			TaskMessageRules.checkReceived(message, delivery.queue(), payload.length, this.maxPayloadSize);
			return message;
		}
		catch (MalformedTaskMessageException ex) {
			// kept as it is, its task not recorded; the dead letter says why it was set aside
			return null;
		}
	}

	private static byte[] payload(Delivery delivery) {
		byte[] payload = delivery.payload();
		return (payload != null) ? payload : new byte[0];
	}

}
