package io.gtask.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A batch of tasks and its counts.
 *
 * @param id the batch id, also the id of its record as a task
 * @param description what it is, or {@code null}
 * @param status {@link TaskStatus#STARTED} while members are pending or more may be added, then
 * {@link TaskStatus#SUCCESS} if every member succeeded, {@link TaskStatus#FAILURE} if any did not,
 * or {@link TaskStatus#REVOKED} once cancelled
 * @param sealed whether no more members are expected ({@link TaskBatches#seal(String)})
 * @param total the members added
 * @param pending the members not ended yet
 * @param succeeded the members that succeeded
 * @param failed the members that failed, were revoked or expired
 * @param createdAt when it was started
 * @param finishedAt when its last member ended, or it was cancelled
 * @param onCompleteId the task id of the {@code onComplete} callback, once sent
 * @param onSuccessId the task id of the {@code onSuccess} callback, once sent
 */
public record BatchInfo(String id, @Nullable String description, TaskStatus status, boolean sealed, long total,
		long pending, long succeeded, long failed, Instant createdAt, @Nullable Instant finishedAt,
		@Nullable String onCompleteId, @Nullable String onSuccessId) {

	/**
	 * Whether the batch will not change any more.
	 * @return {@code true} once it ended or was cancelled
	 */
	public boolean isFinished() {
		return this.status.isFinished();
	}

}
