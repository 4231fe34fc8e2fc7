package io.gtask.dashboard;

import java.util.Map;

import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.TaskNotFoundException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers the errors of the dashboard's JSON API ({@link DashboardApiController},
 * {@link DashboardActionController}) with a status and a JSON object whose {@code error} names
 * what was wrong. It comes first among the application's advice, and only for these
 * controllers, so that the application's own error handling never changes what the dashboard's
 * page receives.
 */
@RestControllerAdvice(assignableTypes = { DashboardApiController.class, DashboardActionController.class })
@Order(Ordered.HIGHEST_PRECEDENCE)
public class DashboardApiExceptionHandler {

	// the messages of the dashboard's API, under the category users know
	private static final LogAccessor logger = new LogAccessor(DashboardApiController.class);

	@ExceptionHandler(DashboardAccessDeniedException.class)
	ResponseEntity<Map<String, Object>> denied(DashboardAccessDeniedException ex) {
		return error(HttpStatus.FORBIDDEN, ex.getMessage());
	}

	@ExceptionHandler(TaskNotFoundException.class)
	ResponseEntity<Map<String, Object>> notFound(TaskNotFoundException ex) {
		return error(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler(MalformedTaskMessageException.class)
	ResponseEntity<Map<String, Object>> malformed(MalformedTaskMessageException ex) {
		return error(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage());
	}

	@ExceptionHandler(IllegalArgumentException.class)
	ResponseEntity<Map<String, Object>> invalid(IllegalArgumentException ex) {
		return error(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler(DataAccessException.class)
	ResponseEntity<Map<String, Object>> unavailable(DataAccessException ex) {
		// the page asks again at every refresh: one line each time, the stack trace at debug level
		logger.warn(() -> "The dashboard could not reach Redis: " + ex.getMessage());
		logger.debug(ex, "The dashboard could not reach Redis");
		return error(HttpStatus.SERVICE_UNAVAILABLE, "Redis could not be reached: " + ex.getMessage());
	}

	/**
	 * The answer of the API to a request that failed.
	 * @param status the status
	 * @param message what was wrong, or {@code null} for the status's reason phrase
	 * @return the answer
	 */
	static ResponseEntity<Map<String, Object>> error(HttpStatus status, @Nullable String message) {
		return ResponseEntity.status(status).body(Map.of("status", status.value(), "error",
				(message != null) ? message : status.getReasonPhrase()));
	}

}
