package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gtask.core.TaskAwaitTimeoutException;
import io.gtask.core.TaskClient;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A plain application that sends a task, waits for it a moment and returns from {@code main}
 * without closing its context, run as a JVM of its own by {@link ThreadLifecycleIntegrationTests}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ProducerApplication {

	static final String DONE = "producer main returned";

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(ProducerApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run(args);
		TaskClient client = context.getBean(TaskClient.class);
		String id = client.send("nobody.handles.this", 1);
		try {
			client.awaitCompletion(id, Duration.ofMillis(500));
		}
		catch (TaskAwaitTimeoutException ex) {
			// no worker runs it; what matters is that waiting started gtask's waiting machinery
		}
		System.out.println(DONE);
		reportThreadsHoldingTheJvm();
	}

	/**
	 * Print the threads that still hold the JVM a while after {@code main} returned, so that a
	 * failing test names them.
	 */
	private static void reportThreadsHoldingTheJvm() {
		Thread reporter = new Thread(() -> {
			try {
				Thread.sleep(15_000);
			}
			catch (InterruptedException ex) {
				return;
			}
			Thread.getAllStackTraces()
				.keySet()
				.stream()
				.filter((thread) -> thread.isAlive() && !thread.isDaemon())
				.forEach((thread) -> System.out.println("Non-daemon thread still alive: " + thread.getName()));
		}, "thread-reporter");
		reporter.setDaemon(true);
		reporter.start();
	}

	static List<String> arguments(String mode, String redisUrl, String prefix) {
		List<String> args = new ArrayList<>(List.of("--spring.data.redis.url=" + redisUrl, "--gtask.key-prefix=" + prefix,
				"--gtask.worker.enabled=false", "--management.endpoints.enabled-by-default=false"));
		// no MongoDB server here: the test is about gtask's threads, not the driver's
		List<String> exclude = new ArrayList<>(List.of(
				"org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration",
				"org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration",
				"org.springframework.boot.data.mongodb.autoconfigure.DataMongoRepositoriesAutoConfiguration"));
		if ("durable".equals(mode)) {
			args.addAll(List.of("--spring.datasource.url=jdbc:h2:mem:gtask",
					"--gtask.backend.type=jdbc", "--gtask.durable.enabled=true", "--gtask.durable.reaper.period=100ms"));
		}
		else {
			exclude.add("org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration");
		}
		args.add("--spring.autoconfigure.exclude=" + String.join(",", exclude));
		return args;
	}

}
