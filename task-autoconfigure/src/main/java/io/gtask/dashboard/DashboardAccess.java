package io.gtask.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Decides who may look at the dashboard and who may act on it (pause, resume, retry, delete,
 * revoke, cancel).
 */
public interface DashboardAccess {

	/**
	 * Whether the request may read the dashboard.
	 * @param request the request
	 * @return {@code true} to allow
	 */
	boolean canView(HttpServletRequest request);

	/**
	 * Whether the request may change queues and tasks through the dashboard.
	 * @param request the request
	 * @return {@code true} to allow
	 */
	boolean canAct(HttpServletRequest request);

	/**
	 * Why an action is refused, for the error message.
	 * @return a sentence naming what is needed
	 */
	String actionRequirement();

	/**
	 * The name of the user making the request, if known.
	 * @param request the request
	 * @return the name, or {@code null}
	 */
	default @Nullable String user(HttpServletRequest request) {
		return (request.getUserPrincipal() != null) ? request.getUserPrincipal().getName() : null;
	}

	/**
	 * The header and token that requests changing state must send, when the application
	 * protects against cross-site request forgery.
	 * @param request the request of the page
	 * @return the header and token, or {@code null}
	 */
	default @Nullable CsrfHeader csrf(HttpServletRequest request) {
		return null;
	}

	/**
	 * Whether the request may read the arguments, results and dead-letter messages of tasks,
	 * which may hold personal data, when the dashboard redacts them
	 * ({@code gtask.dashboard.redact-payloads}). By default those who may act.
	 * @param request the request
	 * @return {@code true} to show them
	 */
	default boolean canReadPayloads(HttpServletRequest request) {
		return canAct(request);
	}

	/**
	 * Access for everyone who reaches the page: reading always, acting unless read-only. For
	 * applications without Spring Security, which should then protect the dashboard's path
	 * themselves.
	 * @param readOnly whether no one may act
	 * @return the access
	 */
	static DashboardAccess open(boolean readOnly) {
		if (readOnly) {
			return viewOnly("The dashboard is read-only (gtask.dashboard.read-only=true)");
		}
		return new DashboardAccess() {

			@Override
			public boolean canView(HttpServletRequest request) {
				return true;
			}

			@Override
			public boolean canAct(HttpServletRequest request) {
				return true;
			}

			@Override
			public String actionRequirement() {
				return "Everyone who reaches the dashboard may act";
			}

		};
	}

	/**
	 * Access for everyone who reaches the page to read, and for no one to act.
	 * @param requirement why actions are refused, for the error message
	 * @return the access
	 */
	static DashboardAccess viewOnly(String requirement) {
		return new DashboardAccess() {

			@Override
			public boolean canView(HttpServletRequest request) {
				return true;
			}

			@Override
			public boolean canAct(HttpServletRequest request) {
				return false;
			}

			@Override
			public String actionRequirement() {
				return requirement;
			}

		};
	}

	/**
	 * A header that carries a token against cross-site request forgery.
	 *
	 * @param name the header name
	 * @param token the token
	 */
	record CsrfHeader(String name, String token) {
	}

}
