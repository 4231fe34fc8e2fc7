package io.gtask.client;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.gtask.broker.DeadLetterStore;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.metrics.TaskOrigin;
import io.gtask.send.TaskSender;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.unit.DataSize;

/**
 * The default {@link DeadLetters}: reads dead letters from the broker's {@link DeadLetterStore}
 * and sends their tasks again as new first attempts through the {@link TaskSender}, which marks
 * them PENDING in the result backend first.
 */
public class DefaultDeadLetters implements DeadLetters {

	private static final int PAGE = 100;

	private static final Duration RESERVATION = Duration.ofSeconds(30);

	private static final LogAccessor logger = new LogAccessor(DefaultDeadLetters.class);

	private final DeadLetterStore store;

	private final TaskSender sender;

	private final TaskMessageCodec codec;

	private DataSize maxPayloadSize = TaskMessageRules.DEFAULT_MAX_PAYLOAD_SIZE;

	/**
	 * Create an instance.
	 * @param store where the broker keeps the dead letters
	 * @param sender the sender of the tasks sent again
	 * @param codec the message codec
	 */
	public DefaultDeadLetters(DeadLetterStore store, TaskSender sender, TaskMessageCodec codec) {
		this.store = store;
		this.sender = sender;
		this.codec = codec;
	}

	/**
	 * Set the largest message sent again; a larger dead letter is kept, as a worker would set
	 * it aside again.
	 * @param maxPayloadSize the largest message ({@code gtask.message.max-payload-size})
	 */
	public void setMaxPayloadSize(DataSize maxPayloadSize) {
		this.maxPayloadSize = maxPayloadSize;
	}

	@Override
	public long count(String queue) {
		return this.store.deadLetterCount(queue);
	}

	@Override
	public List<DeadLetter> list(String queue, int offset, int limit) {
		return this.store.deadLetters(queue, offset, limit);
	}

	@Override
	public Optional<DeadLetter> find(String queue, String id) {
		return Optional.ofNullable(this.store.deadLetter(queue, id));
	}

	@Override
	public Optional<String> requeue(String queue, String id) {
		DeadLetter letter = this.store.deadLetter(queue, id);
		if (letter == null) {
			return Optional.empty();
		}
		TaskMessage message;
		try {
			message = this.codec.decode(letter.payload());
			// one that breaks a rule of sending would only be set aside again
			TaskMessageRules.checkReceived(message, queue, letter.payload().length, this.maxPayloadSize);
		}
		catch (MalformedTaskMessageException ex) {
			throw new MalformedTaskMessageException("Dead letter " + id + " of queue '" + queue
					+ "' is not a valid task message and cannot run; delete it instead (" + ex.getMessage() + ")",
					ex.getTaskId(), ex);
		}
		TaskMessage first = message.withAttempt(1);
		// a request that read the dead letter too but lost the race must not mark the task pending
		if (!this.store.reserveDeadLetter(queue, id, RESERVATION)) {
			return Optional.empty();
		}
		// the dead letter leaves its set in the step that queues its task, so one request takes it back
		if (!this.sender.resend(new TaskSender.Resend(first), TaskOrigin.DEAD_LETTER,
				(task) -> this.store.requeueDeadLetter(queue, id, task.payload(), task.priority()))) {
			return Optional.empty();
		}
		logger.info(() -> "Sent task '" + message.name() + "' (" + message.id() + ") again from the dead letters of queue '"
				+ queue + "'");
		return Optional.of(message.id());
	}

	@Override
	public int requeueAll(String queue) {
		int sent = 0;
		for (String id : snapshot(queue)) {
			try {
				if (requeue(queue, id).isPresent()) {
					sent++;
				}
			}
			catch (MalformedTaskMessageException ex) {
				// stays where it is, for a person to look at
			}
		}
		return sent;
	}

	/**
	 * The ids of the dead letters of a queue as they are now. Working on a snapshot keeps
	 * {@link #requeueAll} and {@link #deleteAll} from chasing the dead letters that tasks sent
	 * again add while they run; the list is bounded by {@code gtask.dead-letter.max-size}.
	 */
	private Set<String> snapshot(String queue) {
		Set<String> ids = new LinkedHashSet<>();
		for (int offset = 0;; offset += PAGE) {
			List<DeadLetter> page = this.store.deadLetters(queue, offset, PAGE);
			if (page.isEmpty()) {
				return ids;
			}
			page.forEach((letter) -> ids.add(letter.id()));
		}
	}

	@Override
	public boolean delete(String queue, String id) {
		return this.store.removeDeadLetter(queue, id, null);
	}

	@Override
	public long deleteAll(String queue) {
		long deleted = 0;
		for (String id : snapshot(queue)) {
			if (delete(queue, id)) {
				deleted++;
			}
		}
		return deleted;
	}

}
