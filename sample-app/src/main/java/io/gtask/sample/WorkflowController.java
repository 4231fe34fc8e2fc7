package io.gtask.sample;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gtask.core.BatchInfo;
import io.gtask.core.BatchRequest;
import io.gtask.core.FlowInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFlow;
import io.gtask.core.TaskRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import static io.gtask.core.TaskFlow.chain;
import static io.gtask.core.TaskFlow.chord;
import static io.gtask.core.TaskFlow.group;
import static io.gtask.core.TaskFlow.task;

/**
 * Flows and batches over HTTP: a chain, a group, a chord and a batch of the sample's tasks, and a
 * task that reports its progress. A flow's or batch's id is a task id, so {@code GET /tasks/{id}}
 * reads its state and result; {@code GET /flows/{id}} and {@code GET /batches/{id}} add its steps
 * or counts.
 */
@RestController
public class WorkflowController {

	private final TaskClient taskClient;

	WorkflowController(TaskClient taskClient) {
		this.taskClient = taskClient;
	}

	/**
	 * A chain: {@code add(a, b)}, then {@code add(<that>, 10)}, then {@code add(<that>, 100)}.
	 * @param numbers {@code [a, b]}
	 * @return the flow id
	 */
	@PostMapping("/flows/chain")
	ResponseEntity<Map<String, String>> chainOfSums(@RequestBody List<Integer> numbers) {
		return accepted(this.taskClient.flows()
			.start(chain(task("add", pair(numbers).toArray()), task("add", 10), task("add", 100))));
	}

	/**
	 * A group: one {@code add} per pair, run in parallel; its result is the list of sums.
	 * @param pairs {@code [[a, b], ...]}
	 * @return the flow id
	 */
	@PostMapping("/flows/group")
	ResponseEntity<Map<String, String>> groupOfSums(@RequestBody List<List<Integer>> pairs) {
		return accepted(this.taskClient.flows().start(sums(pairs)));
	}

	/**
	 * A chord: one {@code add} per pair in parallel, then {@code sum} of their results.
	 * @param pairs {@code [[a, b], ...]}
	 * @return the flow id
	 */
	@PostMapping("/flows/chord")
	ResponseEntity<Map<String, String>> chordOfSums(@RequestBody List<List<Integer>> pairs) {
		return accepted(this.taskClient.flows().start(chord(sums(pairs), task("sum"))));
	}

	/**
	 * Read a flow's steps.
	 * @param id the flow id
	 * @return the flow
	 */
	@GetMapping("/flows/{id}")
	FlowInfo flow(@PathVariable String id) {
		return this.taskClient.flows().info(id);
	}

	/**
	 * Cancel a flow.
	 * @param id the flow id
	 * @return whether it was running
	 */
	@PostMapping("/flows/{id}/cancel")
	Map<String, Object> cancelFlow(@PathVariable String id) {
		return Map.of("id", id, "cancelled", this.taskClient.flows().cancel(id));
	}

	/**
	 * A batch: one {@code add} per pair, and {@code batch-report} once all of them ended.
	 * @param pairs {@code [[a, b], ...]}
	 * @return the batch id
	 */
	@PostMapping("/batches")
	ResponseEntity<Map<String, String>> batchOfSums(@RequestBody List<List<Integer>> pairs) {
		List<TaskRequest> members = new ArrayList<>();
		for (List<Integer> pair : pairs) {
			members.add(TaskRequest.of("add").args(pair(pair).toArray()).build());
		}
		return accepted(this.taskClient.batches()
			.start(BatchRequest.of(members)
				.onComplete(TaskRequest.of("batch-report").build())
				.description(members.size() + " sums")));
	}

	/**
	 * Read a batch's counts.
	 * @param id the batch id
	 * @return the batch
	 */
	@GetMapping("/batches/{id}")
	BatchInfo batch(@PathVariable String id) {
		return this.taskClient.batches().info(id);
	}

	/**
	 * Cancel a batch.
	 * @param id the batch id
	 * @return whether it was running
	 */
	@PostMapping("/batches/{id}/cancel")
	Map<String, Object> cancelBatch(@PathVariable String id) {
		return Map.of("id", id, "cancelled", this.taskClient.batches().cancel(id));
	}

	private static TaskFlow.Group sums(List<List<Integer>> pairs) {
		List<TaskFlow> members = new ArrayList<>();
		for (List<Integer> pair : pairs) {
			members.add(task("add", pair(pair).toArray()));
		}
		return group(members);
	}

	private static List<Integer> pair(List<Integer> numbers) {
		if (numbers == null || numbers.size() != 2 || numbers.contains(null)) {
			throw new IllegalArgumentException("Each sum needs two numbers, as [a, b], not " + numbers);
		}
		return numbers;
	}

	private static ResponseEntity<Map<String, String>> accepted(String id) {
		return ResponseEntity.accepted().location(URI.create("/tasks/" + id)).body(Map.of("id", id));
	}

}
