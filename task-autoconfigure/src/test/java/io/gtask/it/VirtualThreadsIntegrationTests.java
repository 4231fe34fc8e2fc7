package io.gtask.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.gtask.core.TaskClient;
import io.gtask.test.TestRedis;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code spring.threads.virtual.enabled=true} runs handlers on virtual threads, without an
 * executor of the application's own, as Boot's own executors do; where the JVM has no virtual
 * threads (Java 17) the property changes nothing. The first test runs an application in a
 * JVM of Java 21 or later (this one if it is, else one found on the machine).
 */
class VirtualThreadsIntegrationTests {

	@Test
	void handlersRunOnVirtualThreadsWhenBootTurnsThemOn() throws Exception {
		String java = javaWithVirtualThreads();
		List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
				VirtualThreadsApp.class.getName(), "--spring.threads.virtual.enabled=true",
				"--spring.data.redis.url=" + TestRedis.get().url(),
				"--gtask.key-prefix=gtask-test-" + UUID.randomUUID().toString().substring(0, 8),
				"--gtask.worker.poll-timeout=200ms", "--gtask.worker.shutdown-timeout=2s"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		String thread = output.lines()
			.filter((line) -> line.startsWith("HANDLER-THREAD="))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No handler thread in:\n" + output));
		assertThat(thread).contains("VirtualThread").contains("gtask-worker-");
	}

	@Test
	void onJava17ThePropertyLeavesHandlersOnPlatformThreads() {
		Assumptions.assumeTrue(Runtime.version().feature() < 21, "this JVM has virtual threads");
		GTaskTestSupport.runner()
			.withBean(VirtualThreadsApp.ThreadHandler.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				String thread = client.await(client.send("thread.kind"), java.time.Duration.ofSeconds(30), String.class);
				assertThat(thread).doesNotContain("VirtualThread").contains("gtask-worker-");
			});
	}

	/**
	 * Whether a JDK directory's name holds a version of 21 or later, as {@code temurin-25-jdk-amd64}.
	 */
	private static boolean namesJava21OrLater(Path path) {
		for (String part : path.getFileName().toString().split("[-._]")) {
			if (part.matches("\\d{2}") && Integer.parseInt(part) >= 21) {
				return true;
			}
		}
		return false;
	}

	/**
	 * This JVM's java if it has virtual threads, else a Java 21 or later found under
	 * {@code /usr/lib/jvm} or in {@code JAVA_21_HOME}. Without one the test is skipped, except
	 * on CI, where it fails.
	 */
	private static String javaWithVirtualThreads() throws IOException {
		if (Runtime.version().feature() >= 21) {
			return Path.of(System.getProperty("java.home"), "bin", "java").toString();
		}
		List<Path> candidates = new ArrayList<>();
		String home = System.getenv("JAVA_21_HOME");
		if (home != null) {
			candidates.add(Path.of(home));
		}
		Path jvms = Path.of("/usr/lib/jvm");
		if (Files.isDirectory(jvms)) {
			try (Stream<Path> found = Files.list(jvms)) {
				found.filter(VirtualThreadsIntegrationTests::namesJava21OrLater)
					.sorted()
					.forEach(candidates::add);
			}
		}
		for (Path candidate : candidates) {
			File java = candidate.resolve("bin").resolve("java").toFile();
			if (java.canExecute()) {
				return java.getPath();
			}
		}
		boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
		Assumptions.assumeTrue(ci, "No Java 21 or later found to run virtual threads");
		throw new AssertionError("No Java 21 or later found (JAVA_21_HOME or /usr/lib/jvm) to test virtual threads");
	}

}
