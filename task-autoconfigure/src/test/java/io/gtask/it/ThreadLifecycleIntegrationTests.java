package io.gtask.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.gtask.autoconfigure.GTaskJdbcBackendAutoConfiguration;
import io.gtask.core.TaskAwaitTimeoutException;
import io.gtask.core.TaskClient;
import io.gtask.test.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * An application that only sends tasks and waits for them ends when its {@code main} returns:
 * every thread gtask starts for it is a daemon, and every thread of gtask is gone once its
 * context is closed.
 */
class ThreadLifecycleIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void aClientThatAwaitedATaskKeepsNoThreadThatHoldsTheJvm() {
		Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
		GTaskTestSupport.runner().withPropertyValues("gtask.worker.enabled=false").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("add", 1, 2);
			// no worker runs it: the wait ends by its timeout, after the waiting machinery started
			assertThatExceptionOfType(TaskAwaitTimeoutException.class)
				.isThrownBy(() -> client.awaitCompletion(id, Duration.ofMillis(300)));
			assertThat(gtaskThreads(before, false)).isEmpty();
		});
		await().atMost(WAIT).untilAsserted(() -> assertThat(gtaskThreads(before, true)).isEmpty());
	}

	@Test
	void aDurableProducerKeepsNoThreadThatHoldsTheJvm() {
		Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
		durableProducer().run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("add", 1, 2);
			assertThatExceptionOfType(TaskAwaitTimeoutException.class)
				.isThrownBy(() -> client.awaitCompletion(id, Duration.ofMillis(300)));
			assertThat(gtaskThreads(before, false)).isEmpty();
		});
		await().atMost(WAIT).untilAsserted(() -> assertThat(gtaskThreads(before, true)).isEmpty());
	}

	@Test
	void aWorkerLeavesNoThreadOnceItsContextIsClosed() {
		Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
		GTaskTestSupport.runner()
			.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				assertThat(client.await(client.send("add", 1, 2), WAIT, Integer.class)).isEqualTo(3);
			});
		await().atMost(WAIT).untilAsserted(() -> assertThat(gtaskThreads(before, true)).isEmpty());
	}

	/**
	 * A plain {@code main} that runs a producer, sends a task, waits for it and returns, in a
	 * JVM of its own: the JVM must exit without anyone closing the context.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "redis", "durable" })
	void aProducerMainThatReturnsEndsItsJvm(String mode, @TempDir Path dir) throws Exception {
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);
		List<String> args = ProducerApplication.arguments(mode, TestRedis.get().url(), prefix);
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), ProducerApplication.class.getName()));
		command.addAll(args);
		Path log = dir.resolve("producer.log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		try {
			boolean exited = process.waitFor(60, TimeUnit.SECONDS);
			assertThat(exited).as("JVM exited after main returned; output ends with:%n%s", tail(log)).isTrue();
			assertThat(process.exitValue()).as(tail(log)).isZero();
			assertThat(Files.readString(log)).contains(ProducerApplication.DONE);
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static String tail(Path log) throws IOException {
		String output = Files.readString(log);
		return output.substring(Math.max(0, output.length() - 3000));
	}

	private ApplicationContextRunner durableProducer() {
		String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);
		return GTaskTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					GTaskJdbcBackendAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + prefix + ";DB_CLOSE_DELAY=-1",
					"gtask.backend.type=jdbc", "gtask.durable.enabled=true", "gtask.durable.reaper.period=100ms",
					"gtask.worker.enabled=false");
	}

	/**
	 * The live threads of gtask that were not there before.
	 * @param before the threads before the test
	 * @param all {@code true} for all of them, {@code false} for those that are not daemons
	 */
	private static List<String> gtaskThreads(Set<Thread> before, boolean all) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && !before.contains(thread) && thread.getName().startsWith("gtask"))
			.filter((thread) -> all || !thread.isDaemon())
			.map((thread) -> thread.getName() + (thread.isDaemon() ? " (daemon)" : ""))
			.toList();
	}

}
