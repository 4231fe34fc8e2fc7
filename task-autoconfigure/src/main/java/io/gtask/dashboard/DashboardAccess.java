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
	 * Access for everyone who reaches the page: reading always, acting unless read-only. For
	 * applications without Spring Security, which should then protect the dashboard's path
	 * themselves.
	 * @param readOnly whether no one may act
	 * @return the access
	 */
	static DashboardAccess open(boolean readOnly) {
		return new DashboardAccess() {

			@Override
			public boolean canView(HttpServletRequest request) {
				return true;
			}

			@Override
			public boolean canAct(HttpServletRequest request) {
				return !readOnly;
			}

			@Override
			public String actionRequirement() {
				return "The dashboard is read-only (gtask.dashboard.read-only=true)";
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
