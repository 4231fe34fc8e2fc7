package io.gtask.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.util.HtmlUtils;

/**
 * Serves the dashboard's page and its script and style sheet from the classpath, under
 * {@code gtask.dashboard.path}. The page is one HTML document whose script draws every view; it
 * loads nothing from outside the application.
 */
@Controller
@RequestMapping("${gtask.dashboard.path:/gtask}")
public class DashboardPageController {

	private static final String LOCATION = "io/gtask/dashboard/static/";

	private static final Map<String, MediaType> ASSETS = Map.of("app.js",
			MediaType.parseMediaType("text/javascript;charset=UTF-8"), "app.css",
			MediaType.parseMediaType("text/css;charset=UTF-8"), "favicon.svg", MediaType.parseMediaType("image/svg+xml"));

	private final DashboardAccess access;

	private final String path;

	private final String page;

	private final Map<String, byte[]> assets;

	/**
	 * Create the controller.
	 * @param access who may see the page
	 * @param path the path the dashboard is served under
	 */
	public DashboardPageController(DashboardAccess access, String path) {
		this.access = access;
		this.path = path;
		this.page = read("index.html");
		this.assets = ASSETS.keySet()
			.stream()
			.collect(Collectors.toUnmodifiableMap((name) -> name,
					(name) -> read(name).getBytes(StandardCharsets.UTF_8)));
	}

	/**
	 * The page.
	 * @param request the request
	 * @return the HTML document
	 */
	@GetMapping({ "", "/" })
	public ResponseEntity<String> page(HttpServletRequest request) {
		if (!this.access.canView(request)) {
			return ResponseEntity.status(HttpStatus.FORBIDDEN)
				.contentType(MediaType.TEXT_PLAIN)
				.body("Viewing the gtask dashboard needs a signed-in user allowed to view it");
		}
		DashboardAccess.CsrfHeader csrf = this.access.csrf(request);
		String html = this.page.replace("{{base}}", HtmlUtils.htmlEscape(request.getContextPath() + this.path + "/"))
			.replace("{{csrfHeader}}", (csrf != null) ? HtmlUtils.htmlEscape(csrf.name()) : "")
			.replace("{{csrfToken}}", (csrf != null) ? HtmlUtils.htmlEscape(csrf.token()) : "");
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType("text/html;charset=UTF-8"))
			.cacheControl(CacheControl.noStore())
			.header("Content-Security-Policy",
					"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'self'")
			.header("X-Content-Type-Options", "nosniff")
			.body(html);
	}

	/**
	 * The script, the style sheet or the icon.
	 * @param name the file name
	 * @return the file, or 404 for any other name
	 */
	@GetMapping("/assets/{name}")
	public ResponseEntity<byte[]> asset(@PathVariable String name) {
		MediaType type = ASSETS.get(name);
		if (type == null) {
			return ResponseEntity.notFound().build();
		}
		return ResponseEntity.ok()
			.contentType(type)
			.cacheControl(CacheControl.maxAge(Duration.ofMinutes(10)))
			.header("X-Content-Type-Options", "nosniff")
			.body(this.assets.get(name));
	}

	private static String read(String name) {
		try (InputStream in = new ClassPathResource(LOCATION + name, DashboardPageController.class.getClassLoader())
			.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The dashboard file " + name + " is missing from the classpath", ex);
		}
	}

}
