package io.gtask.worker;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.TaskError;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.flow.BatchTracker;
import io.gtask.flow.FlowAdvancer;
import io.gtask.metrics.TaskOrigin;
import io.gtask.send.TaskSender;
import org.springframework.core.log.LogAccessor;
import tools.jackson.core.JacksonException;

/**
 * Writes what manual-commit tasks do after their handler returned, at once on the calling
 * thread rather than through the {@link OutcomeWriter}, whose batch may already have gone: that
 * a task awaits its commit, and a commit made after its delivery was acknowledged.
 */
final class ManualCommitWriter {

	private static final LogAccessor logger = new LogAccessor(ManualCommitWriter.class);

	private final ResultBackend backend;

	private final TaskSender sender;

	private final TaskMessageCodec codec;

	private final Clock clock;

	private final FlowContinuation continuation;

	ManualCommitWriter(ResultBackend backend, TaskSender sender, TaskMessageCodec codec, Clock clock,
			FlowContinuation continuation) {
		this.backend = backend;
		this.sender = sender;
		this.codec = codec;
		this.clock = clock;
		this.continuation = continuation;
	}

	/**
	 * Record that the handler returned without committing, so that the reaper's timeout counts
	 * from now rather than from the start. Written at once, before commits are applied directly,
	 * so that it never overwrites a commit that follows it.
	 * @param message the task message
	 * @param startedAt when the attempt started
	 */
	void awaitingCommit(TaskMessage message, Instant startedAt) {
		try {
			this.backend.update(List.of(TaskStateChange.awaitingCommit(message.id(), message.name(), message.queue(),
					this.clock.instant(), message.attempt(), startedAt)));
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not record that the handler of task '" + message.name() + "' ("
					+ message.id() + ") returned; the reaper's timeout counts from its start");
		}
	}

	/**
	 * Apply the commit of a manual-commit task whose handler has returned: its delivery was
	 * acknowledged then, so the commit is written at once, and the flow or batch the task is part
	 * of goes on from it; a requeue sends the task again.
	 * @param message the task message
	 * @param commit the commit
	 */
	void commitLate(TaskMessage message, ManualCommit.Commit commit) {
		if (commit.kind() == ManualCommit.Commit.Kind.REQUEUE) {
			this.sender.resend(List.of(new TaskSender.Resend(message)), TaskOrigin.REQUEUE);
			return;
		}
		Instant now = this.clock.instant();
		TaskStateChange change = switch (commit.kind()) {
			case DONE -> {
				String json;
				try {
					json = this.codec.writeResult(message.id(), commit.result());
				}
				catch (JacksonException ex) {
					throw new IllegalArgumentException("Result of task '" + message.name() + "' cannot be written as JSON: "
							+ ex.getOriginalMessage(), ex);
				}
				yield TaskStateChange.success(message.id(), message.name(), message.queue(), now, message.attempt(), json);
			}
			case FAILED -> TaskStateChange.failure(message.id(), message.name(), message.queue(), now,
					message.attempt(), TaskError.of(commit.error()));
			case REQUEUE -> throw new IllegalStateException("A requeue is sent again");
		};
		this.backend.update(List.of(change));
		this.continuation.finished(message.headers().get(FlowAdvancer.HEADER), message.headers().get(BatchTracker.HEADER),
				change);
	}

}
