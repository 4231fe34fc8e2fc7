package io.gtask.sample;

import java.time.Instant;
import java.util.Optional;

import io.gtask.core.QueueInfo;
import io.gtask.core.QueuedTask;
import io.gtask.core.TaskQueues;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP API over the queues: what a queue holds and who consumes it, pausing and resuming it
 * for all instances, and the tasks that will be fetched first and last.
 */
@RestController
@RequestMapping("/queues/{queue}")
public class QueueController {

	private final TaskQueues taskQueues;

	private final JsonMapper jsonMapper;

	QueueController(TaskQueues taskQueues, JsonMapper jsonMapper) {
		this.taskQueues = taskQueues;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Counts of the queue's tasks by where they are, whether it is paused, and the workers
	 * consuming it.
	 */
	@GetMapping
	QueueInfo info(@PathVariable String queue) {
		return this.taskQueues.info(queue);
	}

	/**
	 * Stop every instance from starting tasks of the queue. Sending still works; running tasks
	 * finish.
	 */
	@PostMapping("/pause")
	PauseState pause(@PathVariable String queue) {
		this.taskQueues.pause(queue);
		return new PauseState(queue, this.taskQueues.isPaused(queue));
	}

	/**
	 * Let the instances start tasks of the queue again.
	 */
	@PostMapping("/resume")
	PauseState resume(@PathVariable String queue) {
		this.taskQueues.resume(queue);
		return new PauseState(queue, this.taskQueues.isPaused(queue));
	}

	/**
	 * The pending task that will be fetched next (delayed tasks not counted); 404 when none is
	 * pending.
	 */
	@GetMapping("/next")
	QueuedTaskView next(@PathVariable String queue) {
		return view(queue, this.taskQueues.peekNext(queue));
	}

	/**
	 * The pending task that will be fetched last as the queue is now; 404 when none is pending.
	 */
	@GetMapping("/last")
	QueuedTaskView last(@PathVariable String queue) {
		return view(queue, this.taskQueues.peekLast(queue));
	}

	private QueuedTaskView view(String queue, Optional<QueuedTask> task) {
		return task.map((queued) -> QueuedTaskView.of(queued, this.jsonMapper))
			.orElseThrow(() -> new ErrorResponseException(HttpStatus.NOT_FOUND, ProblemDetail
				.forStatusAndDetail(HttpStatus.NOT_FOUND, "No task is pending in queue '" + queue + "'"), null));
	}

	/**
	 * Whether a queue is paused.
	 *
	 * @param queue the queue
	 * @param paused whether it is paused now
	 */
	record PauseState(String queue, boolean paused) {
	}

	/**
	 * A pending task as the API shows it, with its arguments as JSON.
	 *
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param args the arguments
	 * @param attempt the attempt it waits for
	 * @param priority its priority, 10 for a task pushed to the front
	 * @param createdAt when it was sent
	 */
	record QueuedTaskView(String id, String name, String queue, JsonNode args, int attempt, int priority,
			Instant createdAt) {

		static QueuedTaskView of(QueuedTask task, JsonMapper jsonMapper) {
			return new QueuedTaskView(task.id(), task.name(), task.queue(), jsonMapper.readTree(task.args()),
					task.attempt(), task.priority(), task.createdAt());
		}

	}

}
