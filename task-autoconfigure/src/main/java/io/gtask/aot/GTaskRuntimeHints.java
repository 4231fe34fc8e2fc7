package io.gtask.aot;

import io.gtask.actuate.GTaskEndpoint;
import io.gtask.core.BatchInfo;
import io.gtask.core.BatchMembers;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetterView;
import io.gtask.core.FlowInfo;
import io.gtask.core.KeyTypeProblem;
import io.gtask.core.QueueInfo;
import io.gtask.core.QueuedTask;
import io.gtask.core.RecentTask;
import io.gtask.core.RecentTasks;
import io.gtask.core.RunningTask;
import io.gtask.core.ScheduledTask;
import io.gtask.core.TaskError;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskProgress;
import io.gtask.core.TaskStatus;
import io.gtask.dashboard.DashboardApiController;
import io.gtask.stats.TaskStatsBucket;
import io.gtask.worker.WorkerInfo;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * The {@link RuntimeHints} of gtask itself, for a native image or an application run with
 * {@code -Dspring.aot.enabled=true}: the files it reads from the classpath (the Lua scripts,
 * the SQL schemas of the JDBC backend, the dashboard's page and assets) and the types that
 * Jackson writes and reads by reflection (the records of the public API, which applications
 * return from their own controllers too, and the views of the actuator endpoint and the
 * dashboard).
 * <p>
 * Registered in {@code META-INF/spring/aot.factories}. The hints for the application's
 * {@link io.gtask.core.TaskHandler} methods come from {@link TaskHandlerReflectiveProcessor}.
 * gtask creates no JDK proxies, so it needs no proxy hints; the exception classes named in
 * {@code gtask.task.non-retryable-exceptions} are registered by
 * {@link NonRetryableExceptionsAotProcessor}.
 */
public final class GTaskRuntimeHints implements RuntimeHintsRegistrar {

	/**
	 * Every Lua script, with the files they include ({@code lib/*.lua}).
	 */
	static final String LUA_SCRIPTS = "io/gtask/**/*.lua";

	/**
	 * The schemas of the JDBC result backend, one per database.
	 */
	static final String SQL_SCHEMAS = "io/gtask/backend/jdbc/schema-*.sql";

	/**
	 * The dashboard's page, script, style sheet and icon.
	 */
	static final String DASHBOARD_FILES = "io/gtask/dashboard/static/*";

	private static final String ACTUATOR_ENDPOINT = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

	private static final String SPRING_MVC = "org.springframework.web.servlet.DispatcherServlet";

	private static final Class<?>[] API_TYPES = { TaskInfo.class, TaskStatus.class, TaskError.class, TaskEvent.class,
			TaskProgress.class, QueueInfo.class, QueueInfo.ConsumerInfo.class, QueuedTask.class, ScheduledTask.class,
			RunningTask.class, RecentTask.class, RecentTasks.class, DeadLetter.class, DeadLetterView.class,
			KeyTypeProblem.class, FlowInfo.class, FlowInfo.Node.class, BatchInfo.class, BatchMembers.class,
			WorkerInfo.class, TaskStatsBucket.class };

	private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources()
			.registerPattern(LUA_SCRIPTS)
			.registerPattern(SQL_SCHEMAS)
			.registerPattern(DASHBOARD_FILES);
		this.bindingRegistrar.registerReflectionHints(hints.reflection(), API_TYPES);
		if (ClassUtils.isPresent(ACTUATOR_ENDPOINT, classLoader)) {
			// item() and act() answer with Object, which the endpoint's own processing cannot follow
			this.bindingRegistrar.registerReflectionHints(hints.reflection(), GTaskEndpoint.GTaskDescriptor.class,
					GTaskEndpoint.DeadLetterPage.class);
		}
		if (ClassUtils.isPresent(SPRING_MVC, classLoader)) {
			this.bindingRegistrar.registerReflectionHints(hints.reflection(), DashboardApiController.Overview.class,
					DashboardApiController.Counts.class, DashboardApiController.History.class,
					DashboardApiController.Access.class, DashboardApiController.QueueDetail.class,
					DashboardApiController.Page.class, DashboardApiController.TaskStateView.class,
					DashboardApiController.ScheduleView.class);
		}
	}

}
