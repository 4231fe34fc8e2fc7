package io.gtask.dashboard;

import java.util.Map;

import io.gtask.core.DeadLetters;
import io.gtask.core.QueueInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskQueues;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The actions of the dashboard's JSON API, under {@code <gtask.dashboard.path>/api}: pausing
 * and resuming queues, retrying and deleting dead letters, revoking and cancelling tasks. Every
 * action needs the action permission of the {@link DashboardAccess} and, against cross-site
 * request forgery, the {@code X-GTask-Action} header of the dashboard's page and no foreign
 * {@code Origin} or {@code Referer}. Errors are answered by the
 * {@link DashboardApiExceptionHandler}.
 */
@RestController
@RequestMapping("${gtask.dashboard.path:/gtask}/api")
public class DashboardActionController {

	private final TaskQueues queues;

	private final DeadLetters deadLetters;

	private final TaskClient client;

	private final DashboardAccess access;

	private final CrossSiteRequestCheck crossSite = new CrossSiteRequestCheck();

	/**
	 * Create the actions.
	 * @param queues the queues
	 * @param deadLetters the dead letters
	 * @param client the task client
	 * @param access who may act
	 */
	public DashboardActionController(TaskQueues queues, DeadLetters deadLetters, TaskClient client,
			DashboardAccess access) {
		this.queues = queues;
		this.deadLetters = deadLetters;
		this.client = client;
		this.access = access;
	}

	/**
	 * Pause a queue for all workers.
	 * @param queue the queue
	 * @param request the request
	 * @return the queue after the change
	 */
	@PostMapping("/queues/{queue}/pause")
	public QueueInfo pause(@PathVariable String queue, HttpServletRequest request) {
		act(request, "pause queue " + queue);
		this.queues.pause(valid(queue));
		return this.queues.info(queue);
	}

	/**
	 * Resume a paused queue for all workers.
	 * @param queue the queue
	 * @param request the request
	 * @return the queue after the change
	 */
	@PostMapping("/queues/{queue}/resume")
	public QueueInfo resume(@PathVariable String queue, HttpServletRequest request) {
		act(request, "resume queue " + queue);
		this.queues.resume(valid(queue));
		return this.queues.info(queue);
	}

	/**
	 * Send the task of a dead letter again and remove the dead letter.
	 * @param queue the queue
	 * @param id the dead letter id
	 * @param request the request
	 * @return the id of the task sent
	 */
	@PostMapping("/queues/{queue}/dead/{id}/retry")
	public ResponseEntity<Map<String, Object>> retry(@PathVariable String queue, @PathVariable String id,
			HttpServletRequest request) {
		act(request, "retry dead letter " + id);
		return this.deadLetters.requeue(valid(queue), id)
			.map((taskId) -> ResponseEntity.ok(Map.<String, Object>of("id", id, "taskId", taskId)))
			.orElseGet(() -> noDeadLetter(queue, id));
	}

	/**
	 * Send the tasks of all valid dead letters of a queue again.
	 * @param queue the queue
	 * @param request the request
	 * @return how many were sent
	 */
	@PostMapping("/queues/{queue}/dead/retry")
	public Map<String, Object> retryAll(@PathVariable String queue, HttpServletRequest request) {
		act(request, "retry the dead letters of queue " + queue);
		return Map.of("queue", queue, "requeued", this.deadLetters.requeueAll(valid(queue)));
	}

	/**
	 * Delete a dead letter.
	 * @param queue the queue
	 * @param id the dead letter id
	 * @param request the request
	 * @return whether it existed
	 */
	@DeleteMapping("/queues/{queue}/dead/{id}")
	public ResponseEntity<Map<String, Object>> delete(@PathVariable String queue, @PathVariable String id,
			HttpServletRequest request) {
		act(request, "delete dead letter " + id);
		if (!this.deadLetters.delete(valid(queue), id)) {
			return noDeadLetter(queue, id);
		}
		return ResponseEntity.ok(Map.of("id", id, "deleted", true));
	}

	/**
	 * Delete all dead letters of a queue.
	 * @param queue the queue
	 * @param request the request
	 * @return how many were deleted
	 */
	@DeleteMapping("/queues/{queue}/dead")
	public Map<String, Object> deleteAll(@PathVariable String queue, HttpServletRequest request) {
		act(request, "delete the dead letters of queue " + queue);
		return Map.of("queue", queue, "deleted", this.deadLetters.deleteAll(valid(queue)));
	}

	/**
	 * Revoke a task that has not started: it will not run.
	 * @param id the task id
	 * @param request the request
	 * @return whether it was revoked
	 */
	@PostMapping("/tasks/{id}/revoke")
	public Map<String, Object> revoke(@PathVariable String id, HttpServletRequest request) {
		act(request, "revoke task " + id);
		return Map.of("id", id, "revoked", this.client.revoke(id));
	}

	/**
	 * Cancel a task, running or not.
	 * @param id the task id
	 * @param request the request
	 * @return whether a cancellation was requested
	 */
	@PostMapping("/tasks/{id}/cancel")
	public Map<String, Object> cancel(@PathVariable String id, HttpServletRequest request) {
		act(request, "cancel task " + id);
		return Map.of("id", id, "cancelled", this.client.cancel(id));
	}

	private void act(HttpServletRequest request, String action) {
		if (!this.access.canAct(request)) {
			throw new DashboardAccessDeniedException(
					"Not allowed to " + action + ": " + this.access.actionRequirement());
		}
		// whoever is signed in, a page of another site must not act in their name
		String refusal = this.crossSite.refusal(request);
		if (refusal != null) {
			throw new DashboardAccessDeniedException("Refused to " + action + ": " + refusal);
		}
	}

	private static ResponseEntity<Map<String, Object>> noDeadLetter(String queue, String id) {
		return DashboardApiExceptionHandler.error(HttpStatus.NOT_FOUND,
				"No dead letter '" + id + "' in queue '" + queue + "'");
	}

	private static String valid(String queue) {
		return TaskMessageRules.validQueue(queue);
	}

}
