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
 * reads its state and result.
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
	 * the options of {@link TaskRequest}.
	 */
	@PostMapping("/{name}")
	ResponseEntity<Map<String, String>> send(@PathVariable String name, @RequestBody JsonNode body,
			@RequestParam(required = false) @Nullable String id, @RequestParam(required = false) @Nullable String queue,
			@RequestParam(required = false) @Nullable String countdown,
			@RequestParam(required = false) @Nullable Integer maxRetries) {
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
		String taskId = this.taskClient.send(request.build());
		URI location = ServletUriComponentsBuilder.fromCurrentContextPath()
			.path("/tasks/{id}")
			.buildAndExpand(taskId)
			.toUri();
		return ResponseEntity.accepted().location(location).body(Map.of("id", taskId));
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

}
