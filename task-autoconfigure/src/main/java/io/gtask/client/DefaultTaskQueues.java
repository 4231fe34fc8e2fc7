package io.gtask.client;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.gtask.broker.DelayedEntry;
import io.gtask.broker.Delivery;
import io.gtask.broker.QueueAdmin;
import io.gtask.core.KeyTypeProblem;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.QueueInfo;
import io.gtask.core.QueuedTask;
import io.gtask.core.ScheduledTask;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskQueues;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

/**
 * The default {@link TaskQueues}, reading and steering queues through the broker's
 * {@link QueueAdmin}.
 */
public class DefaultTaskQueues implements TaskQueues {

	private static final LogAccessor logger = new LogAccessor(DefaultTaskQueues.class);

	private final QueueAdmin admin;

	private final TaskMessageCodec codec;

	private Clock clock = Clock.systemUTC();

	/**
	 * Create an instance.
	 * @param admin the queue administration of the broker
	 * @param codec the codec that reads peeked messages
	 */
	public DefaultTaskQueues(QueueAdmin admin, TaskMessageCodec codec) {
		this.admin = admin;
		this.codec = codec;
	}

	/**
	 * Set the clock, for tests that control time.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	@Override
	public QueueInfo info(String queue) {
		return this.admin.inspect(TaskMessageRules.validQueue(queue), this.clock.instant());
	}

	@Override
	public List<KeyTypeProblem> keyProblems(String queue) {
		return this.admin.keyProblems(TaskMessageRules.validQueue(queue));
	}

	@Override
	public void pause(String queue) {
		this.admin.setPaused(TaskMessageRules.validQueue(queue), true);
		logger.info(() -> "Paused queue '" + queue + "' for all workers");
	}

	@Override
	public void resume(String queue) {
		this.admin.setPaused(TaskMessageRules.validQueue(queue), false);
		logger.info(() -> "Resumed queue '" + queue + "' for all workers");
	}

	@Override
	public boolean isPaused(String queue) {
		return this.admin.isPaused(TaskMessageRules.validQueue(queue));
	}

	@Override
	public Optional<QueuedTask> peekNext(String queue) {
		return Optional.ofNullable(toTask(this.admin.peek(TaskMessageRules.validQueue(queue), true)));
	}

	@Override
	public Optional<QueuedTask> peekLast(String queue) {
		return Optional.ofNullable(toTask(this.admin.peek(TaskMessageRules.validQueue(queue), false)));
	}

	@Override
	public List<ScheduledTask> scheduled(String queue, int offset, int limit) {
		List<DelayedEntry> entries = this.admin.delayed(TaskMessageRules.validQueue(queue), Math.max(0, offset),
				Math.max(0, limit));
		List<ScheduledTask> tasks = new ArrayList<>(entries.size());
		for (DelayedEntry entry : entries) {
			try {
				TaskMessage message = this.codec.decode(entry.payload());
				tasks.add(new ScheduledTask(message.id(), message.name(), message.queue(), message.args().toString(),
						message.attempt(), message.priority(), Instant.ofEpochMilli(message.createdAt()),
						entry.dueAt()));
			}
			catch (MalformedTaskMessageException ex) {
				logger.debug(() -> "Left a delayed entry of queue '" + queue + "' out of the listing: " + ex.getMessage());
			}
		}
		return tasks;
	}

	private @Nullable QueuedTask toTask(@Nullable Delivery delivery) {
		if (delivery == null || delivery.payload() == null) {
			return null;
		}
		try {
			TaskMessage message = this.codec.decode(delivery.payload());
			return new QueuedTask(message.id(), message.name(), message.queue(), message.args().toString(),
					message.attempt(), message.priority(), Instant.ofEpochMilli(message.createdAt()));
		}
		catch (MalformedTaskMessageException ex) {
			throw new MalformedTaskMessageException("Entry " + delivery.deliveryId() + " of queue '" + delivery.queue()
					+ "' is not a valid task message; a worker will set it aside as a dead letter (" + ex.getMessage()
					+ ")", ex.getTaskId(), ex);
		}
	}

}
