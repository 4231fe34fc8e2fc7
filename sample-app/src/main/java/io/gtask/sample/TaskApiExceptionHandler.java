package io.gtask.sample;

import io.gtask.core.DuplicateTaskException;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.PayloadTooLargeException;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskSendException;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns gtask's exceptions, and Spring MVC's own for malformed requests, into RFC 9457
 * problem details, so that a client gets a status and a reason instead of a stack trace.
 */
@RestControllerAdvice
public class TaskApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final LogAccessor log = new LogAccessor(TaskApiExceptionHandler.class);

	@ExceptionHandler
	ProblemDetail taskNotFound(TaskNotFoundException ex) {
		ProblemDetail problem = problem(HttpStatus.NOT_FOUND, "Unknown task", ex);
		problem.setProperty("id", ex.getTaskId());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail payloadTooLarge(PayloadTooLargeException ex) {
		return problem(HttpStatus.CONTENT_TOO_LARGE, "Task too large", ex);
	}

	/**
	 * A task id in use, or a uniqueness key held by a task that is queued or running; the
	 * problem names that task as {@code existingId}.
	 */
	@ExceptionHandler
	ProblemDetail duplicateTask(DuplicateTaskException ex) {
		ProblemDetail problem = problem(HttpStatus.CONFLICT, "Duplicate task", ex);
		if (ex.getExistingTaskId() != null) {
			problem.setProperty("existingId", ex.getExistingTaskId());
		}
		return problem;
	}

	@ExceptionHandler
	ProblemDetail taskNotSent(TaskSendException ex) {
		// the cause is in the message; a stack trace per refused request would flood the log
		log.warn(() -> "Refused to send a task: " + ex.getMessage());
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "Task not sent", ex);
	}

	@ExceptionHandler
	ProblemDetail redisUnavailable(DataAccessException ex) {
		log.warn(() -> "Could not read a task: " + ex.getMostSpecificCause().getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"Redis is unavailable: " + ex.getMostSpecificCause().getMessage());
		problem.setTitle("Redis unavailable");
		return problem;
	}

	/**
	 * A task whose message is not kept (outside durable mode) cannot be sent again.
	 */
	@ExceptionHandler
	ProblemDetail notRepushable(io.gtask.core.GTaskException ex) {
		return problem(HttpStatus.CONFLICT, "Not possible", ex);
	}

	/**
	 * A dead letter that is not a valid message cannot be sent again.
	 */
	@ExceptionHandler
	ProblemDetail malformedMessage(MalformedTaskMessageException ex) {
		return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Not a valid task message", ex);
	}

	/**
	 * Invalid options: a bad duration, queue name, task id or priority.
	 */
	@ExceptionHandler
	ProblemDetail invalidOption(IllegalArgumentException ex) {
		return problem(HttpStatus.BAD_REQUEST, "Invalid request", ex);
	}

	private static ProblemDetail problem(HttpStatus status, String title, Exception ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
		problem.setTitle(title);
		return problem;
	}

}
