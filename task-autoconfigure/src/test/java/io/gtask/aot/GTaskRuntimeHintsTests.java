package io.gtask.aot;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.gtask.actuate.GTaskEndpoint;
import io.gtask.backend.jdbc.JdbcPlatform;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskBatches;
import io.gtask.core.TaskBrowser;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFlows;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskStatus;
import io.gtask.dashboard.DashboardActionController;
import io.gtask.dashboard.DashboardApiController;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link GTaskRuntimeHints} covers every file gtask reads from the classpath and every type
 * Jackson writes by reflection. The checks enumerate what is there (the files, the return
 * types of the public API), so that a new script or type cannot be forgotten.
 */
class GTaskRuntimeHintsTests {

	private final RuntimeHints hints = hints();

	private static RuntimeHints hints() {
		RuntimeHints hints = new RuntimeHints();
		new GTaskRuntimeHints().registerHints(hints, GTaskRuntimeHintsTests.class.getClassLoader());
		return hints;
	}

	@Test
	void isRegisteredInAotFactories() {
		assertThat(AotServices.factories().load(RuntimeHintsRegistrar.class))
			.anyMatch(GTaskRuntimeHints.class::isInstance);
	}

	@Test
	void everyLuaScriptIsAResource() throws IOException {
		List<String> scripts = classpathFiles("io/gtask/**/*.lua");
		assertThat(scripts).contains("io/gtask/broker/redis/fetch.lua", "io/gtask/backend/redis/lib/history.lua",
				"io/gtask/periodic/redis/fire.lua", "io/gtask/flow/redis/lib/batch-end.lua");
		assertThat(scripts).allSatisfy((script) -> assertThat(RuntimeHintsPredicates.resource().forResource(script))
			.as(script)
			.accepts(this.hints));
	}

	@Test
	void everySchemaScriptIsAResource() throws IOException {
		for (JdbcPlatform platform : JdbcPlatform.values()) {
			String location = platform.getSchemaLocation().substring("classpath:".length());
			assertThat(new PathMatchingResourcePatternResolver().getResource("classpath:" + location).exists())
				.as(location)
				.isTrue();
			assertThat(RuntimeHintsPredicates.resource().forResource(location)).as(location).accepts(this.hints);
		}
		assertThat(classpathFiles("io/gtask/**/*.sql"))
			.allSatisfy((schema) -> assertThat(RuntimeHintsPredicates.resource().forResource(schema))
				.as(schema)
				.accepts(this.hints));
	}

	@Test
	void everyDashboardFileIsAResource() throws IOException {
		List<String> files = classpathFiles("io/gtask/dashboard/**/*");
		assertThat(files).contains("io/gtask/dashboard/static/index.html", "io/gtask/dashboard/static/app.js");
		assertThat(files).allSatisfy((file) -> assertThat(RuntimeHintsPredicates.resource().forResource(file))
			.as(file)
			.accepts(this.hints));
	}

	@Test
	void taskInfoIsBoundByReflection() throws NoSuchMethodException {
		assertThat(RuntimeHintsPredicates.reflection().onType(TaskInfo.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(TaskInfo.class.getMethod("status")))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(TaskStatus.class)).accepts(this.hints);
	}

	@Test
	void everyRecordThePublicApiReturnsIsBoundByReflection() {
		Set<Class<?>> records = new LinkedHashSet<>();
		for (Class<?> api : List.of(TaskClient.class, TaskQueues.class, DeadLetters.class, TaskBrowser.class,
				TaskFlows.class, TaskBatches.class, GTaskEndpoint.class, DashboardApiController.class,
				DashboardActionController.class)) {
			for (Method method : api.getDeclaredMethods()) {
				if (java.lang.reflect.Modifier.isPublic(method.getModifiers())) {
					collectRecords(ResolvableType.forMethodReturnType(method), records);
				}
			}
		}
		assertThat(records).extracting(Class::getSimpleName)
			.contains("TaskInfo", "QueueInfo", "DeadLetter", "FlowInfo", "BatchInfo", "RunningTask", "ScheduledTask",
					"GTaskDescriptor", "DeadLetterPage", "Overview", "Page", "WorkerInfo");
		assertThat(records).allSatisfy((type) -> {
			assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(this.hints);
			for (RecordComponent component : type.getRecordComponents()) {
				assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(component.getAccessor()))
					.as(type.getName() + "." + component.getName())
					.accepts(this.hints);
			}
		});
	}

	/**
	 * The records of gtask in a type, its generics and, for a record, its components.
	 */
	private static void collectRecords(ResolvableType type, Set<Class<?>> records) {
		Class<?> resolved = type.resolve();
		if (resolved == null) {
			return;
		}
		if (resolved.isArray()) {
			collectRecords(type.getComponentType(), records);
			return;
		}
		for (ResolvableType generic : type.getGenerics()) {
			collectRecords(generic, records);
		}
		if (resolved.isRecord() && resolved.getName().startsWith("io.gtask.") && records.add(resolved)) {
			for (RecordComponent component : resolved.getRecordComponents()) {
				collectRecords(ResolvableType.forMethodReturnType(component.getAccessor()), records);
			}
		}
	}

	/**
	 * The paths of the classpath files (not classes) a pattern matches, as resource hints name
	 * them.
	 */
	private static List<String> classpathFiles(String pattern) throws IOException {
		List<String> paths = new ArrayList<>();
		for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:" + pattern)) {
			String url = resource.getURL().toString();
			if (resource.isReadable() && !url.endsWith(".class")) {
				paths.add(url.substring(url.lastIndexOf("io/gtask/")));
			}
		}
		return paths;
	}

}
