package io.gtask.autoconfigure;

import io.gtask.core.DeadLetters;
import io.gtask.core.TaskBrowser;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskQueues;
import io.gtask.dashboard.DashboardAccess;
import io.gtask.dashboard.DashboardActionController;
import io.gtask.dashboard.DashboardApiController;
import io.gtask.dashboard.DashboardApiExceptionHandler;
import io.gtask.dashboard.DashboardPageController;
import io.gtask.dashboard.SpringSecurityDashboardAccess;
import io.gtask.periodic.PeriodicTaskScheduler;
import io.gtask.periodic.PeriodicTickStore;
import io.gtask.registry.TaskRegistry;
import io.gtask.send.TaskRouter;
import io.gtask.stats.TaskStatsStore;
import io.gtask.worker.TaskContainer;
import io.gtask.worker.WorkerRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.util.Assert;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Auto-configuration of gtask's web dashboard in servlet web applications, when
 * {@code gtask.dashboard.enabled=true}: its page and JSON API under {@code gtask.dashboard.path}.
 * With Spring Security present, Spring Security's authentication decides who may view and who
 * may act ({@code gtask.dashboard.security.*}); without it, the dashboard only shows unless
 * {@code gtask.dashboard.actions-without-security=true}.
 */
@AutoConfiguration(after = { GTaskAutoConfiguration.class, GTaskPeriodicAutoConfiguration.class,
		GTaskStatsAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ TaskClient.class, DispatcherServlet.class })
@ConditionalOnProperty(prefix = "gtask.dashboard", name = "enabled", havingValue = "true")
@ConditionalOnBean({ TaskQueues.class, DeadLetters.class, TaskClient.class, TaskRegistry.class })
@EnableConfigurationProperties({ GTaskProperties.class, GTaskDashboardProperties.class, GTaskStatsProperties.class })
@ConditionalOnMissingBean(type = "io.gtask.testing.InProcessTasks")
public final class GTaskDashboardAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DashboardApiController gtaskDashboardApiController(TaskQueues taskQueues, DeadLetters deadLetters,
			TaskClient taskClient, TaskRegistry registry, TaskMessageCodec codec, GTaskProperties properties,
			GTaskDashboardProperties dashboard, GTaskStatsProperties stats, DashboardAccess access,
			ObjectProvider<TaskContainer> container, ObjectProvider<TaskRouter> router, ObjectProvider<WorkerRegistry> workerRegistry,
			ObjectProvider<TaskStatsStore> statsStore, ObjectProvider<PeriodicTaskScheduler> periodic,
			ObjectProvider<PeriodicTickStore> ticks, ObjectProvider<TaskBrowser> browser) {
		checkPath(dashboard.getPath());
		DashboardApiController.Services services = new DashboardApiController.Services(taskQueues, deadLetters,
				taskClient, KnownQueues.of(router, properties, registry, container.getIfUnique()), workerRegistry.getIfUnique(),
				statsStore.getIfUnique(), periodic.getIfUnique(), ticks.getIfUnique(), codec.getJsonMapper());
		DashboardApiController controller = new DashboardApiController(services, access,
				dashboard.getRefreshInterval(), stats.getRetention());
		// encrypted payloads are shown decrypted only to those who may act
		controller.setRedactPayloads(dashboard.isRedactPayloads() || codec.isEncrypting());
		controller.setMessageCodec(codec);
		browser.ifUnique(controller::setTaskBrowser);
		return controller;
	}

	@Bean
	@ConditionalOnMissingBean
	DashboardActionController gtaskDashboardActionController(TaskQueues taskQueues, DeadLetters deadLetters,
			TaskClient taskClient, DashboardAccess access, GTaskDashboardProperties dashboard) {
		checkPath(dashboard.getPath());
		return new DashboardActionController(taskQueues, deadLetters, taskClient, access);
	}

	@Bean
	@ConditionalOnMissingBean
	DashboardApiExceptionHandler gtaskDashboardApiExceptionHandler() {
		return new DashboardApiExceptionHandler();
	}

	@Bean
	@ConditionalOnMissingBean
	DashboardPageController gtaskDashboardPageController(DashboardAccess access, GTaskDashboardProperties dashboard) {
		return new DashboardPageController(access, checkPath(dashboard.getPath()));
	}

	@Bean
	@ConditionalOnMissingBean(DashboardAccess.class)
	DashboardAccess gtaskDashboardAccess(GTaskDashboardProperties dashboard) {
		if (!dashboard.isReadOnly() && !dashboard.isActionsWithoutSecurity()) {
			// nothing tells who the user is: anyone who reaches the path could act
			return DashboardAccess.viewOnly("Without Spring Security's authentication the dashboard only shows; "
					+ "set gtask.dashboard.actions-without-security=true to let everyone who reaches it act");
		}
		return DashboardAccess.open(dashboard.isReadOnly());
	}

	private static String checkPath(String path) {
		Assert.isTrue(path.startsWith("/") && !path.endsWith("/") && !path.contains("{") && !path.contains("*"),
				() -> "Invalid gtask.dashboard.path '" + path + "': use a path such as /gtask, starting with / and "
						+ "not ending with /");
		return path;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ SecurityContextHolder.class, CsrfToken.class })
	@ConditionalOnProperty(prefix = "gtask.dashboard.security", name = "enabled", havingValue = "true",
			matchIfMissing = true)
	static class SpringSecurityConfiguration {

		@Bean
		@ConditionalOnMissingBean(DashboardAccess.class)
		SpringSecurityDashboardAccess gtaskSpringSecurityDashboardAccess(GTaskDashboardProperties dashboard) {
			GTaskDashboardProperties.Security security = dashboard.getSecurity();
			return new SpringSecurityDashboardAccess(security.getViewRole(), security.getActionRole(),
					dashboard.isReadOnly());
		}

	}

}
