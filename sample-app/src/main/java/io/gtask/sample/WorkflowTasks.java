package io.gtask.sample;

import io.gtask.core.BatchInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Tasks the sample's flows and batches use: a batch's report, and a long task that reports its
 * progress.
 */
@Component
public class WorkflowTasks {

	private final ObjectProvider<TaskClient> taskClient;

	WorkflowTasks(ObjectProvider<TaskClient> taskClient) {
		this.taskClient = taskClient;
	}

	/**
	 * The {@code onComplete} callback of the sample's batch: it is called with the batch id.
	 */
	@TaskHandler("batch-report")
	public String batchReport(String batchId) {
		BatchInfo batch = this.taskClient.getObject().batches().info(batchId);
		return "batch " + batchId + ": " + batch.succeeded() + " of " + batch.total() + " succeeded";
	}

	/**
	 * Work in chunks, reporting progress after each: {@code GET /tasks/{id}} shows it, and
	 * {@link TaskClient#onProgress} follows it.
	 */
	@TaskHandler(value = "crunch", timeout = "5m")
	public int crunch(int chunks, long millisPerChunk, TaskContext context) throws InterruptedException {
		for (int i = 1; i <= chunks; i++) {
			Thread.sleep(millisPerChunk);
			context.progress((double) i / chunks, "chunk " + i + " of " + chunks);
		}
		return chunks;
	}

}
