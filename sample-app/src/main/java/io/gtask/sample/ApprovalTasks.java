package io.gtask.sample;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * A task whose handler commits its outcome itself, later and from another thread, as an
 * approval that waits for a decision would. Manual commit needs durable mode, so this exists in
 * the {@code durable} profile only.
 */
@Component
@Profile("durable")
public class ApprovalTasks {

	/**
	 * Approve an order after a moment, reject it, or leave it uncommitted for the reaper to find.
	 * @param order the order number
	 * @param decision {@code approve}, {@code reject} or {@code never}
	 * @param context the task's context, through which the outcome is committed
	 */
	@TaskHandler(value = "approve", manualCommit = true)
	public void approve(String order, String decision, TaskContext context) {
		switch (decision) {
			case "approve" -> CompletableFuture.runAsync(() -> context.commit("approved " + order),
					CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
			case "reject" -> context.commitFailure(new IllegalStateException("order " + order + " rejected"));
			default -> {
				// left uncommitted: the reaper sends it again after gtask.durable.reaper.timeout
			}
		}
	}

}
