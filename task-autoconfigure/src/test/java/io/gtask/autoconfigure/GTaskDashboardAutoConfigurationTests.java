package io.gtask.autoconfigure;

import io.gtask.dashboard.DashboardAccess;
import io.gtask.dashboard.DashboardActionController;
import io.gtask.dashboard.DashboardApiController;
import io.gtask.dashboard.DashboardApiExceptionHandler;
import io.gtask.dashboard.DashboardPageController;
import io.gtask.dashboard.SpringSecurityDashboardAccess;
import io.gtask.stats.TaskStatsRecorder;
import io.gtask.stats.redis.RedisTaskStatsStore;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Conditions, back-off and properties of {@link GTaskDashboardAutoConfiguration} and
 * {@link GTaskStatsAutoConfiguration}. The containers are not started, so no Redis is needed.
 */
class GTaskDashboardAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(DataRedisAutoConfiguration.class,
			JacksonAutoConfiguration.class, GTaskAutoConfiguration.class, GTaskPeriodicAutoConfiguration.class,
			GTaskStatsAutoConfiguration.class, GTaskDashboardAutoConfiguration.class);

	private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
		.withPropertyValues("spring.data.redis.port=1")
		.withBean("noAutoStartup", GTaskAutoConfigurationTests.NoAutoStartup.class);

	@Test
	void dashboardIsOffByDefaultWhileStatisticsAreRecorded() {
		this.web.run((context) -> {
			assertThat(context).doesNotHaveBean(DashboardApiController.class);
			assertThat(context).doesNotHaveBean(DashboardActionController.class);
			assertThat(context).doesNotHaveBean(DashboardApiExceptionHandler.class);
			assertThat(context).doesNotHaveBean(DashboardPageController.class);
			assertThat(context).hasSingleBean(RedisTaskStatsStore.class);
			assertThat(context).hasSingleBean(TaskStatsRecorder.class);
		});
	}

	@Test
	void enabledDashboardServesPageAndApiWithSpringSecurityAccess() {
		this.web.withPropertyValues("gtask.dashboard.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(DashboardApiController.class);
			assertThat(context).hasSingleBean(DashboardActionController.class);
			assertThat(context).hasSingleBean(DashboardApiExceptionHandler.class);
			assertThat(context).hasSingleBean(DashboardPageController.class);
			assertThat(context).getBean(DashboardAccess.class).isInstanceOf(SpringSecurityDashboardAccess.class);
		});
	}

	@Test
	void withoutSpringSecurityEveryoneMayViewAndActOnlyWhenActionsAreOpened() {
		WebApplicationContextRunner runner = this.web
			.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.withPropertyValues("gtask.dashboard.enabled=true");
		HttpServletRequest request = new MockHttpServletRequest();
		runner.run((context) -> {
			DashboardAccess access = context.getBean(DashboardAccess.class);
			assertThat(access).isNotInstanceOf(SpringSecurityDashboardAccess.class);
			assertThat(access.canView(request)).isTrue();
			assertThat(access.canAct(request)).isFalse();
			assertThat(access.canReadPayloads(request)).isFalse();
			assertThat(access.actionRequirement()).contains("gtask.dashboard.actions-without-security=true");
		});
		runner.withPropertyValues("gtask.dashboard.actions-without-security=true").run((context) -> {
			DashboardAccess access = context.getBean(DashboardAccess.class);
			assertThat(access.canView(request)).isTrue();
			assertThat(access.canAct(request)).isTrue();
			assertThat(access.canReadPayloads(request)).isTrue();
		});
		runner.withPropertyValues("gtask.dashboard.actions-without-security=true", "gtask.dashboard.read-only=true")
			.run((context) -> {
				DashboardAccess access = context.getBean(DashboardAccess.class);
				assertThat(access.canView(request)).isTrue();
				assertThat(access.canAct(request)).isFalse();
				assertThat(access.actionRequirement()).contains("gtask.dashboard.read-only=true");
			});
	}

	@Test
	void springSecurityRolesDecideWhoMayViewAndAct() {
		HttpServletRequest request = new MockHttpServletRequest();
		this.web
			.withPropertyValues("gtask.dashboard.enabled=true", "gtask.dashboard.security.view-role=OPS",
					"gtask.dashboard.security.action-role=OPS_ADMIN")
			.run((context) -> {
				DashboardAccess access = context.getBean(DashboardAccess.class);
				try {
					assertThat(access.canView(request)).isFalse();
					signIn("someone");
					assertThat(access.canView(request)).isFalse();
					signIn("viewer", "ROLE_OPS");
					assertThat(access.canView(request)).isTrue();
					assertThat(access.canAct(request)).isFalse();
					assertThat(access.actionRequirement()).isEqualTo("This action needs role OPS_ADMIN");
					assertThat(access.canReadPayloads(request)).isFalse();
					signIn("admin", "ROLE_OPS_ADMIN");
					assertThat(access.canView(request)).isTrue();
					assertThat(access.canAct(request)).isTrue();
					assertThat(access.canReadPayloads(request)).isTrue();
					assertThat(access.user(request)).isEqualTo("admin");
				}
				finally {
					SecurityContextHolder.clearContext();
				}
			});
	}

	@Test
	void securityCanBeLeftToTheApplicationWhichMustOpenActionsThen() {
		this.web.withPropertyValues("gtask.dashboard.enabled=true", "gtask.dashboard.security.enabled=false")
			.run((context) -> {
				DashboardAccess access = context.getBean(DashboardAccess.class);
				assertThat(access).isNotInstanceOf(SpringSecurityDashboardAccess.class);
				assertThat(access.canAct(new MockHttpServletRequest())).isFalse();
			});
	}

	@Test
	void backsOffFromTheApplicationsAccess() {
		DashboardAccess own = DashboardAccess.open(true);
		this.web.withPropertyValues("gtask.dashboard.enabled=true")
			.withBean(DashboardAccess.class, () -> own)
			.run((context) -> assertThat(context).getBean(DashboardAccess.class).isSameAs(own));
	}

	@Test
	void invalidPathFailsNamingTheProperty() {
		this.web.withPropertyValues("gtask.dashboard.enabled=true", "gtask.dashboard.path=gtask/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Invalid gtask.dashboard.path 'gtask/'"));
	}

	@Test
	void noDashboardOutsideServletWebApplications() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("spring.data.redis.port=1", "gtask.dashboard.enabled=true")
			.withBean("noAutoStartup", GTaskAutoConfigurationTests.NoAutoStartup.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(DashboardApiController.class);
				assertThat(context).doesNotHaveBean(DashboardActionController.class);
				assertThat(context).hasSingleBean(TaskStatsRecorder.class);
			});
	}

	@Test
	void pageAndApiAnswerWhileRedisIsAwayNamingWhatWentWrong() {
		this.web.withUserConfiguration(WebMvcConfiguration.class)
			.withPropertyValues("gtask.dashboard.enabled=true", "gtask.dashboard.security.enabled=false",
					"gtask.dashboard.actions-without-security=true", "gtask.dashboard.path=/ops/tasks",
					"gtask.redis.timeout=2s")
			.run((context) -> {
				MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
				mvc.perform(get("/ops/tasks"))
					.andExpect(status().isOk())
					.andExpect(content().string(containsString("<base href=\"/ops/tasks/\">")));
				mvc.perform(get("/ops/tasks/assets/app.js")).andExpect(status().isOk());
				mvc.perform(get("/ops/tasks/api/queues"))
					.andExpect(status().isServiceUnavailable())
					.andExpect(jsonPath("$.error").value(startsWith("Redis could not be reached")));
				mvc.perform(get("/ops/tasks/api/overview").param("range", "soon"))
					.andExpect(status().isBadRequest())
					.andExpect(jsonPath("$.error").value(startsWith("Invalid range 'soon'")));
				mvc.perform(post("/ops/tasks/api/queues/{queue}/pause", "no good").header("X-GTask-Action", "dashboard"))
					.andExpect(status().isBadRequest())
					.andExpect(jsonPath("$.error").value(containsString("no good")));
			});
	}

	@Test
	void apiErrorsKeepTheirAnswerWhateverTheApplicationsOwnErrorHandling() {
		this.web.withUserConfiguration(WebMvcConfiguration.class, ApplicationErrorHandling.class)
			.withPropertyValues("gtask.dashboard.enabled=true", "gtask.dashboard.security.enabled=false",
					"gtask.dashboard.actions-without-security=true")
			.run((context) -> {
				MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
				mvc.perform(get("/gtask/api/overview").param("range", "soon"))
					.andExpect(status().isBadRequest())
					.andExpect(jsonPath("$.error").value(startsWith("Invalid range 'soon'")));
				mvc.perform(post("/gtask/api/queues/{queue}/pause", "no good").header("X-GTask-Action", "dashboard"))
					.andExpect(status().isBadRequest())
					.andExpect(jsonPath("$.error").value(containsString("no good")));
			});
	}

	@Test
	void statisticsRecordingCanBeTurnedOff() {
		this.web.withPropertyValues("gtask.stats.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(TaskStatsRecorder.class);
			assertThat(context).hasSingleBean(RedisTaskStatsStore.class);
		});
	}

	@Test
	void statisticsPropertyDefaultsMatchTheDashboardsUse() {
		GTaskStatsProperties stats = new GTaskStatsProperties();
		assertThat(stats.isEnabled()).isTrue();
		assertThat(stats.getFlushInterval()).hasSeconds(5);
		assertThat(stats.getRetention()).hasDays(2);
		GTaskDashboardProperties dashboard = new GTaskDashboardProperties();
		assertThat(dashboard.isEnabled()).isFalse();
		assertThat(dashboard.getPath()).isEqualTo("/gtask");
		assertThat(dashboard.isActionsWithoutSecurity()).isFalse();
		assertThat(dashboard.isRedactPayloads()).isFalse();
		assertThat(dashboard.getSecurity().getActionRole()).isEqualTo("GTASK_ADMIN");
		assertThat(dashboard.getSecurity().getViewRole()).isNull();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebMvc
	static class WebMvcConfiguration {

	}

	/**
	 * Error handling of an application for all its controllers, as applications often have.
	 */
	@RestControllerAdvice
	static class ApplicationErrorHandling {

		@ExceptionHandler(Exception.class)
		ResponseEntity<String> anyError(Exception ex) {
			return ResponseEntity.status(HttpStatus.I_AM_A_TEAPOT).body("the application's own answer");
		}

	}

	private static void signIn(String user, String... authorities) {
		TestingAuthenticationToken authentication = new TestingAuthenticationToken(user, "secret", authorities);
		authentication.setAuthenticated(true);
		SecurityContextHolder.getContext().setAuthentication(authentication);
	}

}
