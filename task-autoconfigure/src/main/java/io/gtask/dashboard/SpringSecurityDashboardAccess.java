package io.gtask.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.util.StringUtils;

/**
 * Dashboard access decided by Spring Security's authentication of the request: reading needs an
 * authenticated user, with the view role if one is set (or the action role); acting needs the
 * action role. The application's own security configuration decides how users log in and may
 * restrict the dashboard's path further.
 */
public class SpringSecurityDashboardAccess implements DashboardAccess {

	private final @Nullable String viewRole;

	private final String actionRole;

	private final boolean readOnly;

	/**
	 * Create an access policy.
	 * @param viewRole the role needed to read, without the {@code ROLE_} prefix, or
	 * {@code null} for any authenticated user
	 * @param actionRole the role needed to act, without the {@code ROLE_} prefix
	 * @param readOnly whether no one may act
	 */
	public SpringSecurityDashboardAccess(@Nullable String viewRole, String actionRole, boolean readOnly) {
		this.viewRole = StringUtils.hasText(viewRole) ? viewRole : null;
		this.actionRole = actionRole;
		this.readOnly = readOnly;
	}

	@Override
	public boolean canView(HttpServletRequest request) {
		Authentication authentication = authentication();
		if (authentication == null) {
			return false;
		}
		return this.viewRole == null || hasRole(authentication, this.viewRole) || hasRole(authentication, this.actionRole);
	}

	@Override
	public boolean canAct(HttpServletRequest request) {
		Authentication authentication = authentication();
		return !this.readOnly && authentication != null && hasRole(authentication, this.actionRole);
	}

	/**
	 * Users with the action role, even when the dashboard is read-only.
	 */
	@Override
	public boolean canReadPayloads(HttpServletRequest request) {
		Authentication authentication = authentication();
		return authentication != null && hasRole(authentication, this.actionRole);
	}

	@Override
	public String actionRequirement() {
		return this.readOnly ? "The dashboard is read-only (gtask.dashboard.read-only=true)"
				: "This action needs role " + this.actionRole;
	}

	@Override
	public @Nullable String user(HttpServletRequest request) {
		Authentication authentication = authentication();
		return (authentication != null) ? authentication.getName() : null;
	}

	@Override
	public @Nullable CsrfHeader csrf(HttpServletRequest request) {
		Object attribute = request.getAttribute(CsrfToken.class.getName());
		if (attribute instanceof CsrfToken token) {
			return new CsrfHeader(token.getHeaderName(), token.getToken());
		}
		return null;
	}

	private static @Nullable Authentication authentication() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| authentication instanceof AnonymousAuthenticationToken) {
			return null;
		}
		return authentication;
	}

	private static boolean hasRole(Authentication authentication, String role) {
		String authority = role.startsWith("ROLE_") ? role : "ROLE_" + role;
		for (GrantedAuthority granted : authentication.getAuthorities()) {
			if (authority.equals(granted.getAuthority())) {
				return true;
			}
		}
		return false;
	}

}
