package io.gtask.worker;

import io.gtask.backend.TaskStateChange;
import io.gtask.flow.BatchTracker;
import io.gtask.flow.FlowAdvancer;
import io.gtask.flow.FlowStateException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

/**
 * Goes on with the flow or the batch of a task once its final state is written: the next step of
 * the flow is sent, the member is counted in its batch. Used by whatever writes a final state,
 * the {@link OutcomeWriter} and the {@link ManualCommitWriter}, so that a task ends its flow step
 * the same way however it ended.
 */
final class FlowContinuation {

	private static final LogAccessor logger = new LogAccessor(FlowContinuation.class);

	private final WriteFailureClassifier classifier = new WriteFailureClassifier();

	private volatile @Nullable FlowAdvancer flows;

	private volatile @Nullable BatchTracker batches;

	void setFlows(@Nullable FlowAdvancer flows) {
		this.flows = flows;
	}

	void setBatches(@Nullable BatchTracker batches) {
		this.batches = batches;
	}

	/**
	 * Go on from a final state that is written. Redis away is thrown, for the caller to write
	 * again (going on is safe to repeat); a flow or batch whose state is not valid is told in the
	 * log, and the task's own outcome stands.
	 * @param flowStep the {@link FlowAdvancer#HEADER} of the task, {@code null} if it is no step
	 * @param batch the {@link BatchTracker#HEADER} of the task, {@code null} if it is no member
	 * @param change the final state written
	 */
	void finished(@Nullable String flowStep, @Nullable String batch, TaskStateChange change) {
		if (!change.status().isFinished()) {
			return;
		}
		FlowAdvancer flows = this.flows;
		BatchTracker batches = this.batches;
		try {
			if (flows != null && flowStep != null) {
				flows.finished(flowStep, change);
			}
			if (batches != null && batch != null) {
				batches.finished(batch, change);
			}
		}
		catch (RuntimeException ex) {
			if (!(ex instanceof FlowStateException) && !this.classifier.isPermanent(ex)) {
				throw ex;
			}
			logger.warn(ex, () -> "The flow or batch of task " + change.id() + " cannot go on: "
					+ WriteFailureClassifier.reason(ex));
		}
	}

}
