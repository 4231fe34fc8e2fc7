package io.gtask.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of gtask's web dashboard.
 * <p>
 * A class of its own rather than a group of {@link GTaskProperties}, because the dashboard
 * exists only in servlet web applications.
 */
@ConfigurationProperties("gtask.dashboard")
public class GTaskDashboardProperties {

	/**
	 * Whether to serve the dashboard.
	 */
	private boolean enabled;

	/**
	 * Path under which the dashboard's page and API are served.
	 */
	private String path = "/gtask";

	/**
	 * Whether the dashboard only shows, for every user: no pausing, retrying, deleting,
	 * revoking or cancelling.
	 */
	private boolean readOnly;

	/**
	 * Whether everyone who reaches the dashboard may pause, resume, retry, delete, revoke and
	 * cancel when no Spring Security authentication decides who may (without Spring Security,
	 * or with gtask.dashboard.security.enabled=false). Off, the dashboard then only shows.
	 * Protect the path another way before turning it on.
	 */
	private boolean actionsWithoutSecurity;

	/**
	 * Whether the arguments, results and dead-letter messages of tasks, which may hold
	 * personal data, are shown as redacted to users who may not act (without the action role).
	 */
	private boolean redactPayloads;

	/**
	 * How often the pages refresh what they show.
	 */
	private Duration refreshInterval = Duration.ofSeconds(5);

	private final Security security = new Security();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public boolean isReadOnly() {
		return this.readOnly;
	}

	public void setReadOnly(boolean readOnly) {
		this.readOnly = readOnly;
	}

	public boolean isActionsWithoutSecurity() {
		return this.actionsWithoutSecurity;
	}

	public void setActionsWithoutSecurity(boolean actionsWithoutSecurity) {
		this.actionsWithoutSecurity = actionsWithoutSecurity;
	}

	public boolean isRedactPayloads() {
		return this.redactPayloads;
	}

	public void setRedactPayloads(boolean redactPayloads) {
		this.redactPayloads = redactPayloads;
	}

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		this.refreshInterval = refreshInterval;
	}

	public Security getSecurity() {
		return this.security;
	}

	public static class Security {

		/**
		 * Whether Spring Security's authentication decides who may view and act, when Spring
		 * Security is present. When disabled, or without Spring Security, everyone who reaches
		 * the path may view, and act only with gtask.dashboard.actions-without-security.
		 */
		private boolean enabled = true;

		/**
		 * Role needed to view the dashboard, without the ROLE_ prefix. When not set, any
		 * authenticated user may view it. Users with the action role may always view it.
		 */
		private @Nullable String viewRole;

		/**
		 * Role needed to pause and resume queues, retry and delete dead letters, revoke and
		 * cancel tasks, without the ROLE_ prefix.
		 */
		private String actionRole = "GTASK_ADMIN";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getViewRole() {
			return this.viewRole;
		}

		public void setViewRole(@Nullable String viewRole) {
			this.viewRole = viewRole;
		}

		public String getActionRole() {
			return this.actionRole;
		}

		public void setActionRole(String actionRole) {
			this.actionRole = actionRole;
		}

	}

}
