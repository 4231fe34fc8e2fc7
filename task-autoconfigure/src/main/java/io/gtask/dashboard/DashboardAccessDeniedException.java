package io.gtask.dashboard;

/**
 * Thrown when the user may not do what a request of the dashboard's API asks; answered with
 * {@code 403 Forbidden} and the message.
 */
final class DashboardAccessDeniedException extends RuntimeException {

	DashboardAccessDeniedException(String message) {
		super(message);
	}

}
