package io.gtask.sample;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gtask.core.TaskAwaitTimeoutException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP API of the sample: {@code POST /tasks/{name}} sends a task, {@code GET /tasks/{id}}
 * reads its state and result, {@code POST /tasks/{id}/revoke} and
 * {@code POST /tasks/{id}/cancel} stop it.
 */
@RestController
@RequestMapping("/tasks")
public class TaskController {

	private static final Duration MAX_WAIT = Duration.ofSeconds(30);

	private final TaskClient taskClient;

	private final JsonMapper jsonMapper;

	TaskController(TaskClient taskClient, JsonMapper jsonMapper) {
		this.taskClient = taskClient;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Send a task. The body is the JSON array of its arguments; the optional parameters map to
	 * the options of {@link TaskRequest}: {@code id}, {@code queue}, {@code maxRetries},
	 * {@code priority} (0 to 9) or {@code front=true}, {@code countdown} and {@code expires}
	 * (durations such as {@code 30s}), {@code uniqueFor} (a duration) with an optional
	 * {@code uniqueKey}, and {@code onDuplicate} ({@code FAIL} or {@code RETURN_EXISTING}).
	 */
	@PostMapping("/{name}")
	ResponseEntity<Map<String, String>> send(@PathVariable String name, @RequestBody JsonNode body,
			@RequestParam(required = false) @Nullable String id, @RequestParam(required = false) @Nullable String queue,
			@RequestParam(required = false) @Nullable String countdown,
			@RequestParam(required = false) @Nullable Integer maxRetries,
			@RequestParam(required = false) @Nullable Integer priority,
			@RequestParam(defaultValue = "false") boolean front,
			@RequestParam(required = false) @Nullable String expires,
			@RequestParam(required = false) @Nullable String uniqueFor,
			@RequestParam(required = false) @Nullable String uniqueKey,
			@RequestParam(required = false) TaskRequest.@Nullable OnDuplicate onDuplicate) {
		if (!body.isArray()) {
			throw new ErrorResponseException(HttpStatus.BAD_REQUEST, ProblemDetail.forStatusAndDetail(
					HttpStatus.BAD_REQUEST, "The body must be a JSON array of the task's arguments, such as [2, 3]"),
					null);
		}
		// JSON nodes are sent as they are, so numbers and nested objects keep their JSON form
		List<@Nullable Object> args = new ArrayList<>(body.size());
		body.forEach(args::add);
		TaskRequest.Builder request = TaskRequest.of(name).args(args);
		if (id != null) {
			request.id(id);
		}
		if (queue != null) {
			request.queue(queue);
		}
		if (countdown != null) {
			request.countdown(DurationStyle.detectAndParse(countdown));
		}
		if (maxRetries != null) {
			request.maxRetries(maxRetries);
		}
		if (priority != null && front) {
			throw new IllegalArgumentException("Choose either priority or front=true, not both");
		}
		if (priority != null) {
			request.priority(priority);
		}
		if (front) {
			request.pushToFront();
		}
		if (expires != null) {
			request.expires(DurationStyle.detectAndParse(expires));
		}
		if (uniqueKey != null && uniqueFor == null) {
			throw new IllegalArgumentException("uniqueKey needs uniqueFor, the longest time the key is held, such as 1h");
		}
		if (uniqueFor != null) {
			Duration ttl = DurationStyle.detectAndParse(uniqueFor);
			if (uniqueKey != null) {
				request.uniqueKey(uniqueKey, ttl);
			}
			else {
				request.unique(ttl);
			}
		}
		if (onDuplicate != null) {
			request.onDuplicate(onDuplicate);
		}
		String taskId = this.taskClient.send(request.build());
		URI location = ServletUriComponentsBuilder.fromCurrentContextPath()
			.path("/tasks/{id}")
			.buildAndExpand(taskId)
			.toUri();
		return ResponseEntity.accepted().location(location).body(Map.of("id", taskId));
	}

	/**
	 * Revoke a task that has not started: it never runs and ends {@code REVOKED}. Answers with
	 * {@code revoked: false} when the task had already started or finished.
	 */
	@PostMapping("/{id}/revoke")
	Revocation revoke(@PathVariable String id) {
		boolean revoked = this.taskClient.revoke(id);
		return new Revocation(id, revoked, this.taskClient.status(id));
	}

	/**
	 * Cancel a task: revoke it if it has not started, else ask the worker that runs it to stop
	 * it. A running task is still {@code STARTED} in the answer and turns {@code REVOKED} once
	 * its worker has stopped it. Answers with {@code cancelled: false} when the task had already
	 * finished.
	 */
	@PostMapping("/{id}/cancel")
	Cancellation cancel(@PathVariable String id) {
		boolean cancelled = this.taskClient.cancel(id);
		return new Cancellation(id, cancelled, this.taskClient.status(id));
	}

	/**
	 * Send a task again by id, whatever its state (durable mode only, in which the database
	 * keeps each task's message).
	 */
	@PostMapping("/{id}/repush")
	ResponseEntity<Map<String, String>> repush(@PathVariable String id) {
		this.taskClient.repush(id);
		return ResponseEntity.accepted().body(Map.of("id", id, "status", this.taskClient.status(id).name()));
	}

	/**
	 * Read a task. With {@code wait} (such as {@code 5s}, at most 30s) the call waits until the
	 * task finishes or the time is up, and then answers with whatever state the task is in.
	 */
	@GetMapping("/{id}")
	TaskView get(@PathVariable String id, @RequestParam(required = false) @Nullable String wait) {
		TaskInfo info = (wait != null) ? awaitOrCurrent(id, DurationStyle.detectAndParse(wait))
				: this.taskClient.info(id);
		return TaskView.of(info, this.jsonMapper);
	}

	private TaskInfo awaitOrCurrent(String id, Duration wait) {
		if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
			throw new IllegalArgumentException("wait must be between 0s and " + MAX_WAIT.toSeconds() + "s");
		}
		try {
			return this.taskClient.awaitCompletion(id, wait);
		}
		catch (TaskAwaitTimeoutException ex) {
			return this.taskClient.info(id);
		}
	}

	/**
	 * The answer to a revoke request.
	 *
	 * @param id the task id
	 * @param revoked whether the task was revoked before it started
	 * @param status the state of the task right after the request
	 */
	record Revocation(String id, boolean revoked, TaskStatus status) {
	}

	/**
	 * The answer to a cancel request.
	 *
	 * @param id the task id
	 * @param cancelled whether the task was revoked or its worker asked to stop it
	 * @param status the state of the task right after the request
	 */
	record Cancellation(String id, boolean cancelled, TaskStatus status) {
	}

}
