package io.gtask.flow;

import java.util.List;

/**
 * Cancels the tasks of a cancelled flow or batch: revokes those that have not started, then
 * asks the workers running the others to cancel them, so that no revoked task takes the
 * slot a cancelled one frees.
 */
@FunctionalInterface
public interface StepCanceller {

	/**
	 * Cancel tasks; those unknown or ended are left alone.
	 * @param taskIds the task ids
	 */
	void cancel(List<String> taskIds);

}
