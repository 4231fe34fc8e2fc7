package io.gtask.it;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gtask.core.TaskClient;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskRequest;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Handlers the batch tests use: callbacks that note their calls, and a member that adds more
 * members to its own batch.
 */
public class BatchHandlers {

	static final Map<String, List<String>> CALLS = new ConcurrentHashMap<>();

	private final ObjectProvider<TaskClient> client;

	public BatchHandlers(ObjectProvider<TaskClient> client) {
		this.client = client;
	}

	static void reset() {
		CALLS.clear();
	}

	static List<String> calls(String callback) {
		return CALLS.getOrDefault(callback, List.of());
	}

	@TaskHandler("batch.complete")
	String complete(String batchId, String tag) {
		CALLS.computeIfAbsent("complete", (key) -> new CopyOnWriteArrayList<>()).add(batchId + "/" + tag);
		return tag;
	}

	@TaskHandler("batch.success")
	String success(String batchId, String tag) {
		CALLS.computeIfAbsent("success", (key) -> new CopyOnWriteArrayList<>()).add(batchId + "/" + tag);
		return tag;
	}

	/**
	 * A periodic task that starts a flow per tick, under an id made of its own.
	 */
	@TaskHandler(value = "wf.nightly", cron = "${wf.nightly.cron:-}")
	void nightly(TaskContext context) {
		String id = this.client.getObject()
			.flows()
			.start(context.id() + ".flow", io.gtask.core.TaskFlow.chain(io.gtask.core.TaskFlow.task("wf.add", 1, 1),
					io.gtask.core.TaskFlow.task("wf.inc")));
		CALLS.computeIfAbsent("nightly", (key) -> new CopyOnWriteArrayList<>()).add(id);
	}

	@TaskHandler("batch.spawn")
	int spawn(int children, TaskContext context) {
		List<TaskRequest> more = new java.util.ArrayList<>();
		for (int i = 0; i < children; i++) {
			more.add(TaskRequest.of("wf.add").args(i, 1).build());
		}
		this.client.getObject().batches().add(context.batchId(), more);
		return children;
	}

}
