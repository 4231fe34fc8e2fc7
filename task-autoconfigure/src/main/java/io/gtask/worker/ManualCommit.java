package io.gtask.worker;

import java.time.Instant;
import java.util.function.BooleanSupplier;

import io.gtask.core.TaskMessage;
import org.jspecify.annotations.Nullable;

/**
 * The commit of one attempt of a manual-commit task: a commit made while the handler runs is
 * remembered and applied when it returns; once it has returned without one, its delivery is
 * acknowledged and a later commit is written at once by the {@link ManualCommitWriter}. A task
 * is committed once.
 */
final class ManualCommit {

	private final TaskMessage message;

	private final Instant startedAt;

	private final BooleanSupplier attemptFinished;

	private final ManualCommitWriter writer;

	private final Object lock = new Object();

	private State state = State.RUNNING;

	private @Nullable Commit pending;

	/**
	 * Create the commit of an attempt.
	 * @param message the task message
	 * @param startedAt when the attempt started
	 * @param attemptFinished whether the outcome of the attempt was claimed (by its return, its
	 * timeout or a cancellation)
	 * @param writer the writer of late commits
	 */
	ManualCommit(TaskMessage message, Instant startedAt, BooleanSupplier attemptFinished, ManualCommitWriter writer) {
		this.message = message;
		this.startedAt = startedAt;
		this.attemptFinished = attemptFinished;
		this.writer = writer;
	}

	/**
	 * Commit the task: remembered until its handler returns, or applied at once if it has
	 * returned.
	 * @param commit the commit
	 */
	void commit(Commit commit) {
		synchronized (this.lock) {
			if (this.state == State.CLOSED || (this.state == State.RUNNING && this.attemptFinished.getAsBoolean())
					|| (this.state == State.RETURNING && this.pending != null)) {
				throw new IllegalStateException("Task '" + this.message.name() + "' (" + this.message.id()
						+ ") was committed or finished already");
			}
			State state = this.state;
			if (state == State.RUNNING || state == State.RETURNING) {
				this.pending = commit;
				if (state == State.RUNNING) {
					this.state = State.CLOSED;
				}
				return;
			}
			this.state = State.CLOSED;
		}
		this.writer.commitLate(this.message, commit);
	}

	boolean hasPending() {
		synchronized (this.lock) {
			return this.pending != null;
		}
	}

	/**
	 * The handler returned (or gave up after it committed), and its attempt's outcome was
	 * claimed: take the commit it made, or record that the task awaits its commit. A commit made
	 * while that record is written is taken as well.
	 * @return the commit to apply now, or {@code null} when the task awaits a later commit
	 */
	@Nullable Commit returned() {
		Commit commit;
		synchronized (this.lock) {
			commit = this.pending;
			this.state = (commit != null) ? State.CLOSED : State.RETURNING;
		}
		if (commit != null) {
			return commit;
		}
		this.writer.awaitingCommit(this.message, this.startedAt);
		synchronized (this.lock) {
			commit = this.pending;
			this.state = (commit != null) ? State.CLOSED : State.AWAITING_COMMIT;
		}
		return commit;
	}

	private enum State {

		RUNNING, RETURNING, AWAITING_COMMIT, CLOSED

	}

	/**
	 * The outcome a manual-commit handler chose.
	 *
	 * @param kind done, failed or back to the queue
	 * @param result the result, when done
	 * @param error the error, when failed
	 */
	record Commit(Kind kind, @Nullable Object result, @Nullable Throwable error) {

		static Commit done(@Nullable Object result) {
			return new Commit(Kind.DONE, result, null);
		}

		static Commit failed(Throwable error) {
			return new Commit(Kind.FAILED, null, error);
		}

		static Commit requeue() {
			return new Commit(Kind.REQUEUE, null, null);
		}

		enum Kind {

			DONE, FAILED, REQUEUE

		}

	}

}
