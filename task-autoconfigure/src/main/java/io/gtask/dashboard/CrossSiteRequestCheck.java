package io.gtask.dashboard;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.util.StringUtils;

/**
 * Tells whether a request that changes something may come from a page of another site
 * (cross-site request forgery), whatever authenticates it.
 * <p>
 * The dashboard's page sends the {@value #HEADER} header with every action. A form or a simple
 * request of another site cannot set a header of its own, and a script of another site can only
 * after a CORS preflight that the application would have to allow; so a request without it is
 * refused. Where the browser names the page that made the request ({@code Origin}, else
 * {@code Referer}), its scheme, host and port must also be those of the request itself. Requests
 * that name no page, as scripts of the operators send them, pass with the header alone.
 */
final class CrossSiteRequestCheck {

	/**
	 * The header the dashboard's page sends with every action.
	 */
	static final String HEADER = "X-GTask-Action";

	/**
	 * Why the request may not act, or {@code null} when it may.
	 * @param request the request
	 * @return a sentence naming what is missing or wrong, or {@code null}
	 */
	@Nullable String refusal(HttpServletRequest request) {
		if (!StringUtils.hasText(request.getHeader(HEADER))) {
			return "the request has no " + HEADER + " header, which the dashboard's page sends; "
					+ "without it the request may come from another site";
		}
		String origin = request.getHeader(HttpHeaders.ORIGIN);
		String from = (origin != null) ? origin : request.getHeader(HttpHeaders.REFERER);
		if (from == null) {
			return null;
		}
		String own = originOf(request.getScheme(), request.getServerName(), request.getServerPort());
		String theirs = originOf(from);
		if (own.equals(theirs)) {
			return null;
		}
		return "the request comes from origin " + ((theirs != null) ? theirs : from)
				+ " (" + ((origin != null) ? "Origin" : "Referer") + " header), not from the dashboard's own origin "
				+ own + "; behind a proxy, let the application see the public host (server.forward-headers-strategy)";
	}

	private static @Nullable String originOf(String url) {
		try {
			URI uri = new URI(url);
			if (uri.getScheme() == null || uri.getHost() == null) {
				return null;
			}
			return originOf(uri.getScheme(), uri.getHost(), uri.getPort());
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	private static String originOf(String scheme, String host, int port) {
		String lowerScheme = scheme.toLowerCase(Locale.ROOT);
		int effectivePort = (port != -1) ? port : defaultPort(lowerScheme);
		String lowerHost = host.toLowerCase(Locale.ROOT);
		if (lowerHost.indexOf(':') >= 0 && !lowerHost.startsWith("[")) {
			lowerHost = "[" + lowerHost + "]";
		}
		return (effectivePort == defaultPort(lowerScheme)) ? lowerScheme + "://" + lowerHost
				: lowerScheme + "://" + lowerHost + ":" + effectivePort;
	}

	private static int defaultPort(String scheme) {
		return switch (scheme) {
			case "http" -> 80;
			case "https" -> 443;
			default -> -1;
		};
	}

}
