package io.gtask.sample;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP API over the dead letters of a queue: list them, send one again, delete one.
 */
@RestController
@RequestMapping("/queues/{queue}/dead-letters")
public class DeadLetterController {

	private final DeadLetters deadLetters;

	DeadLetterController(DeadLetters deadLetters) {
		this.deadLetters = deadLetters;
	}

	/**
	 * The newest dead letters of a queue.
	 */
	@GetMapping
	Map<String, Object> list(@PathVariable String queue, @RequestParam(defaultValue = "0") int offset,
			@RequestParam(defaultValue = "50") int limit) {
		List<View> letters = this.deadLetters.list(queue, offset, Math.min(limit, 500)).stream().map(View::of).toList();
		return Map.of("queue", queue, "count", this.deadLetters.count(queue), "deadLetters", letters);
	}

	/**
	 * Send the task of a dead letter again.
	 */
	@PostMapping("/{id}/requeue")
	ResponseEntity<Map<String, String>> requeue(@PathVariable String queue, @PathVariable String id) {
		String taskId = this.deadLetters.requeue(queue, id).orElseThrow(() -> notFound(queue, id));
		return ResponseEntity.accepted().body(Map.of("id", taskId));
	}

	/**
	 * Delete a dead letter.
	 */
	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@PathVariable String queue, @PathVariable String id) {
		if (!this.deadLetters.delete(queue, id)) {
			throw notFound(queue, id);
		}
		return ResponseEntity.noContent().build();
	}

	private static ErrorResponseException notFound(String queue, String id) {
		return new ErrorResponseException(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
				"No dead letter '" + id + "' in queue '" + queue + "'"), null);
	}

	/**
	 * A dead letter as the API shows it; the message bytes are left out.
	 */
	record View(String id, @Nullable String taskId, @Nullable String name, String reason, @Nullable String errorType,
			int attempts, long deliveries, Instant deadAt, int payloadBytes) {

		static View of(DeadLetter letter) {
			return new View(letter.id(), letter.taskId(), letter.name(), letter.reason(), letter.errorType(),
					letter.attempts(), letter.deliveries(), letter.deadAt(), letter.payload().length);
		}

	}

}
