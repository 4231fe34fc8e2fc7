package io.gtask.autoconfigure;

import java.util.UUID;

import io.gtask.core.TaskQueues;
import io.gtask.test.TestRedis;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The dashboard's actions without Spring Security, on a real Redis: read-only unless
 * {@code gtask.dashboard.actions-without-security} opens them, and, once open, refused to
 * requests that may come from another site (no {@code X-GTask-Action} header, a foreign
 * {@code Origin} or {@code Referer}) without changing anything.
 */
class GTaskDashboardActionProtectionTests {

	private static final String HEADER = "X-GTask-Action";

	private final WebApplicationContextRunner web = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				GTaskAutoConfiguration.class, GTaskPeriodicAutoConfiguration.class, GTaskStatsAutoConfiguration.class,
				GTaskDashboardAutoConfiguration.class))
		.withUserConfiguration(GTaskDashboardAutoConfigurationTests.WebMvcConfiguration.class)
		// hides the classes the dashboard looks for; hiding all of Spring Security would break the
		// service loader of Micrometer's context propagation, which Spring MVC uses
		.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class, CsrfToken.class))
		.withPropertyValues("spring.data.redis.url=" + TestRedis.get().url(),
				"gtask.key-prefix=gtask-test-dashboard-" + UUID.randomUUID().toString().substring(0, 8),
				"gtask.dashboard.enabled=true")
		.withBean("noAutoStartup", GTaskAutoConfigurationTests.NoAutoStartup.class);

	@Test
	void withoutSpringSecurityTheDashboardIsReadOnlyUnlessActionsAreOpened() {
		this.web.run((context) -> {
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			mvc.perform(post("/gtask/api/queues/reports/pause").header(HEADER, "dashboard")
				.header("Origin", "http://localhost"))
				.andExpect(status().isForbidden())
				.andExpect(jsonPath("$.error").value(allOf(containsString("Not allowed to pause queue reports"),
						containsString("gtask.dashboard.actions-without-security=true"))));
			mvc.perform(get("/gtask/api/overview")).andExpect(status().isOk())
				.andExpect(jsonPath("$.access.canAct").value(false));
			assertThat(context.getBean(TaskQueues.class).isPaused("reports")).isFalse();
		});
	}

	@Test
	void crossSiteRequestsAreRefusedAndChangeNothing() {
		this.web.withPropertyValues("gtask.dashboard.actions-without-security=true").run((context) -> {
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			// a form or a simple request of another site cannot set a header of its own
			mvc.perform(post("/gtask/api/queues/reports/pause").header("Origin", "https://elsewhere.example"))
				.andExpect(status().isForbidden())
				.andExpect(jsonPath("$.error").value(allOf(containsString("Refused to pause queue reports"),
						containsString("X-GTask-Action header"))));
			mvc.perform(post("/gtask/api/queues/reports/pause"))
				.andExpect(status().isForbidden())
				.andExpect(jsonPath("$.error").value(containsString("X-GTask-Action header")));
			mvc.perform(delete("/gtask/api/queues/reports/dead"))
				.andExpect(status().isForbidden())
				.andExpect(jsonPath("$.error").value(containsString("X-GTask-Action header")));
			// where another site's own CORS rules would let the header through
			mvc.perform(post("/gtask/api/queues/reports/pause").header(HEADER, "dashboard")
				.header("Origin", "https://elsewhere.example"))
				.andExpect(status().isForbidden())
				.andExpect(jsonPath("$.error").value(allOf(containsString("https://elsewhere.example"),
						containsString("http://localhost"))));
			mvc.perform(post("/gtask/api/queues/reports/pause").header(HEADER, "dashboard").header("Origin", "null"))
				.andExpect(status().isForbidden())
				.andExpect(jsonPath("$.error").value(containsString("origin null")));
			mvc.perform(post("/gtask/api/queues/reports/pause").header(HEADER, "dashboard")
				.header("Referer", "http://localhost:8081/gtask/"))
				.andExpect(status().isForbidden())
				.andExpect(jsonPath("$.error").value(containsString("http://localhost:8081")));
			assertThat(context.getBean(TaskQueues.class).isPaused("reports")).isFalse();
		});
	}

	@Test
	void thePagesOwnRequestsAct() {
		this.web.withPropertyValues("gtask.dashboard.actions-without-security=true").run((context) -> {
			MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
			mvc.perform(get("/gtask/assets/app.js")).andExpect(status().isOk())
				.andExpect(content().string(containsString("'" + HEADER + "'")));
			mvc.perform(get("/gtask/api/overview")).andExpect(jsonPath("$.access.canAct").value(true));
			mvc.perform(post("/gtask/api/queues/reports/pause").header(HEADER, "dashboard")
				.header("Origin", "http://localhost")
				.header("Referer", "http://localhost/gtask/"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.paused").value(true));
			assertThat(context.getBean(TaskQueues.class).isPaused("reports")).isTrue();
			// a script of the operators, which sends no Origin
			mvc.perform(post("/gtask/api/queues/reports/resume").header(HEADER, "script"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.paused").value(false));
			assertThat(context.getBean(TaskQueues.class).isPaused("reports")).isFalse();
		});
	}

	@Test
	void readOnlyStillWinsOverOpenedActions() {
		this.web.withPropertyValues("gtask.dashboard.actions-without-security=true", "gtask.dashboard.read-only=true")
			.run((context) -> {
				MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
				mvc.perform(post("/gtask/api/queues/reports/pause").header(HEADER, "dashboard"))
					.andExpect(status().isForbidden())
					.andExpect(jsonPath("$.error").value(containsString("gtask.dashboard.read-only=true")));
				assertThat(context.getBean(TaskQueues.class).isPaused("reports")).isFalse();
			});
	}

}
