package io.gtask.worker;

import java.time.Instant;

import io.gtask.backend.TaskStateChange;
import io.gtask.broker.Delivery;
import io.gtask.broker.Settlement;
import io.gtask.core.DeadLetter;
import io.gtask.core.TaskMessage;
import io.gtask.flow.BatchTracker;
import io.gtask.flow.FlowAdvancer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;

/**
 * What the {@link OutcomeWriter} must write for one step of a task: a state change, and how its
 * delivery is settled.
 *
 * @param change the state change, or {@code null}
 * @param settlement how the delivery leaves the in-flight state, or {@code null} while it stays
 * @param flowStep the {@link FlowAdvancer#HEADER} of a task that is a step of a flow, which goes on
 * once its final state is written, or {@code null}
 * @param batch the {@link BatchTracker#HEADER} of a task that is a member of a batch, which counts
 * it once its final state is written, or {@code null}
 * @param note what the index of ended tasks keeps beside the final state, or {@code null}
 */
record Outcome(@Nullable TaskStateChange change, @Nullable Settlement settlement, @Nullable String flowStep,
		@Nullable String batch, @Nullable Note note) {

	Outcome(@Nullable TaskStateChange change, @Nullable Settlement settlement) {
		this(change, settlement, null, null, null);
	}

	/**
	 * What the index of ended tasks keeps of a task beside its final state, turned into text
	 * only by the writer, and only when there is an index: the worker thread does no more than
	 * keep references.
	 *
	 * @param args the arguments of the task
	 * @param cause the exception that failed it, or {@code null}
	 * @param startedAt when its last attempt started, if known
	 */
	record Note(ArrayNode args, @Nullable Throwable cause, @Nullable Instant startedAt) {

		private static final int MAX_ARGS = 512;

		private static final int MAX_TRACE = 4000;

		/**
		 * The arguments as JSON text, shortened.
		 */
		String argsText() {
			String text = this.args.toString();
			return (text.length() > MAX_ARGS) ? text.substring(0, MAX_ARGS) : text;
		}

		/**
		 * The stack trace of the exception, shortened, or {@code null}.
		 */
		@Nullable String trace() {
			if (this.cause == null) {
				return null;
			}
			java.io.StringWriter text = new java.io.StringWriter();
			this.cause.printStackTrace(new java.io.PrintWriter(text));
			String trace = text.toString();
			return (trace.length() > MAX_TRACE) ? trace.substring(0, MAX_TRACE) : trace;
		}

	}

	static Outcome state(TaskStateChange change) {
		return new Outcome(change, null);
	}

	static Outcome finish(@Nullable TaskStateChange change, Delivery delivery) {
		return new Outcome(change, Settlement.acknowledge(delivery));
	}

	static Outcome retry(TaskStateChange change, Delivery delivery, byte[] payload, Instant at) {
		return new Outcome(change, Settlement.retryLater(delivery, payload, at));
	}

	static Outcome dead(@Nullable TaskStateChange change, Delivery delivery, DeadLetter deadLetter) {
		return new Outcome(change, Settlement.deadLetter(delivery, deadLetter));
	}

	/**
	 * The same outcome, releasing the uniqueness key of the task unless it runs again.
	 */
	Outcome releasing(TaskMessage message) {
		return (this.settlement != null)
				? new Outcome(this.change, this.settlement.releasing(message.uniqueKey(), message.id()), this.flowStep,
						this.batch, this.note)
				: this;
	}

	/**
	 * The same outcome, going on with the flow or batch of the task if it is part of one and the
	 * outcome ends it.
	 */
	Outcome inFlow(TaskMessage message) {
		String step = message.headers().get(FlowAdvancer.HEADER);
		String batch = message.headers().get(BatchTracker.HEADER);
		return ((step != null || batch != null) && this.change != null && this.change.status().isFinished())
				? new Outcome(this.change, this.settlement, step, batch, this.note) : this;
	}

	/**
	 * The same outcome, with what the index of ended tasks keeps of the task.
	 * @param message the task's message
	 * @param cause the exception that failed it, or {@code null}
	 * @param startedAt when its last attempt started, if known
	 */
	Outcome noted(TaskMessage message, @Nullable Throwable cause, @Nullable Instant startedAt) {
		return new Outcome(this.change, this.settlement, this.flowStep, this.batch,
				new Note(message.args(), cause, startedAt));
	}

	/**
	 * Whether the flow or batch of the task goes on from this outcome.
	 */
	boolean continues() {
		return this.flowStep != null || this.batch != null;
	}

}
