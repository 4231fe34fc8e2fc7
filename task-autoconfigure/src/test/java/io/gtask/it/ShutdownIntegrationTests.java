package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisKeyspace;
import io.gtask.test.TestRedis;
import io.gtask.worker.TaskContainer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the context of a worker whose tasks run longer than its shutdown timeout, with
 * Spring's lifecycle processor as Spring Boot configures it: the tasks are handed back while
 * Redis can still be reached, their claims are renewed until then, and no task runs on two
 * workers at once.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/**
	 * Ids of the tasks whose slow handler runs now, on the worker that is closed.
	 */
	static final Set<String> SLOW_RUNNING = ConcurrentHashMap.newKeySet();

	/**
	 * Ids of the tasks the other worker ran while their slow handler still ran.
	 */
	static final List<String> OVERLAPS = new CopyOnWriteArrayList<>();

	/**
	 * Runs of each task on the other worker.
	 */
	static final Map<String, Integer> QUICK_RUNS = new ConcurrentHashMap<>();

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class))
		.withPropertyValues("gtask.key-prefix=" + this.prefix, "gtask.worker.queues=default");

	@BeforeEach
	void reset() {
		SLOW_RUNNING.clear();
		OVERLAPS.clear();
		QUICK_RUNS.clear();
	}

	/**
	 * The shutdown timeout equals Spring's phase timeout, as both defaults (30 s) used to: the
	 * tasks still running are handed back, not left to the visibility timeout.
	 */
	@Test
	void tasksStillRunningWhenTheShutdownTimeoutEndsAreHandedBackBeforeRedisGoes(CapturedOutput output) {
		ApplicationContextRunner other = this.runner.withUserConfiguration(QuickHandlers.class)
			.withPropertyValues("gtask.worker.auto-startup=false", "gtask.worker.visibility-timeout=1h");
		this.runner.withUserConfiguration(SlowHandlers.class)
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=6s", "gtask.worker.shutdown-timeout=6s",
					"gtask.worker.concurrency=4")
			.run((first) -> other.run((second) -> {
				TaskClient client = first.getBean(TaskClient.class);
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					ids.add(client.send("hold", 0L));
				}
				await().atMost(WAIT).until(() -> SLOW_RUNNING.size() == 4);
				first.close();
				// in the stream again, for anyone to fetch, and held by no consumer
				assertThat(pending()).isZero();
				assertThat(streamLength()).isEqualTo(4);
				second.getBean(TaskContainer.class).start();
				TaskClient otherClient = second.getBean(TaskClient.class);
				for (String id : ids) {
					assertThat(otherClient.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
				}
				assertThat(QUICK_RUNS).containsOnlyKeys(ids);
				assertThat(OVERLAPS).isEmpty();
			}));
		assertThat(output.getAll()).doesNotContain("Could not hand back");
	}

	/**
	 * The same with every default, as an application has them: Spring Boot's phase timeout
	 * and gtask's shutdown timeout, visibility timeout and reclaim interval.
	 */
	@Test
	void withDefaultSettingsTasksStillRunningAreHandedBackBeforeRedisGoes(CapturedOutput output) {
		ApplicationContextRunner defaults = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					GTaskAutoConfiguration.class, LifecycleAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + TestRedis.get().url(), "gtask.key-prefix=" + this.prefix,
					"gtask.worker.queues=default");
		ApplicationContextRunner other = defaults.withUserConfiguration(QuickHandlers.class)
			.withPropertyValues("gtask.worker.auto-startup=false");
		defaults.withUserConfiguration(SlowHandlers.class).run((first) -> other.run((second) -> {
			TaskClient client = first.getBean(TaskClient.class);
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				ids.add(client.send("hold", 0L));
			}
			await().atMost(WAIT).until(() -> SLOW_RUNNING.size() == 4);
			first.close();
			assertThat(pending()).isZero();
			assertThat(streamLength()).isEqualTo(4);
			second.getBean(TaskContainer.class).start();
			TaskClient otherClient = second.getBean(TaskClient.class);
			for (String id : ids) {
				// well within the visibility timeout of 60 s
				assertThat(otherClient.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			assertThat(OVERLAPS).isEmpty();
		}));
		assertThat(output.getAll()).doesNotContain("Could not hand back", "does not fit in");
	}

	/**
	 * Another worker looks for abandoned tasks every 200 ms with a visibility timeout of 1 s
	 * while the first waits 3 s for its tasks: it must not take them over meanwhile.
	 */
	@Test
	void claimsOfRunningTasksAreRenewedWhileStoppingWaitsForThem() {
		ApplicationContextRunner workers = this.runner.withPropertyValues("gtask.worker.visibility-timeout=1s",
				"gtask.worker.reclaim-interval=200ms");
		workers.withUserConfiguration(SlowHandlers.class)
			.withPropertyValues("gtask.worker.shutdown-timeout=3s", "gtask.worker.concurrency=2")
			.run((first) -> workers.withUserConfiguration(QuickHandlers.class)
				.withPropertyValues("gtask.worker.auto-startup=false")
				.run((second) -> {
				TaskClient client = first.getBean(TaskClient.class);
				List<String> ids = List.of(client.send("hold", 0L), client.send("hold", 0L));
				await().atMost(WAIT).until(() -> SLOW_RUNNING.size() == 2);
				second.getBean(TaskContainer.class).start();
				first.close();
				TaskClient otherClient = second.getBean(TaskClient.class);
				for (String id : ids) {
					assertThat(otherClient.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
				}
				assertThat(OVERLAPS).isEmpty();
			}));
	}

	/**
	 * A handler that goes on for 3 s after the interrupt: its task is not handed back while it
	 * runs, so the other worker, which would take a handed-back task at once, does not run it.
	 */
	@Test
	void aTaskWhoseHandlerIgnoresTheInterruptIsNotRunElsewhereWhileItRuns(CapturedOutput output) {
		ApplicationContextRunner other = this.runner.withUserConfiguration(QuickHandlers.class)
			.withPropertyValues("gtask.worker.auto-startup=false", "gtask.worker.visibility-timeout=1h");
		this.runner.withUserConfiguration(SlowHandlers.class)
			.withPropertyValues("gtask.worker.shutdown-timeout=500ms")
			.run((first) -> other.run((second) -> {
				String id = first.getBean(TaskClient.class).send("hold", 3000L);
				await().atMost(WAIT).until(() -> SLOW_RUNNING.contains(id));
				// the other worker fetches while the first one stops
				second.getBean(TaskContainer.class).start();
				first.close();
				await().atMost(WAIT).until(() -> !SLOW_RUNNING.contains(id));
				assertThat(OVERLAPS).isEmpty();
				assertThat(QUICK_RUNS).doesNotContainKey(id);
				// still claimed by the stopped worker: taken over after the visibility timeout
				assertThat(pending()).isOne();
			}));
		assertThat(output.getAll()).contains("still runs after its interrupt");
	}

	private long pending() {
		return withRedis((redis) -> redis.opsForStream()
			.pending(new RedisKeyspace(this.prefix).ready("default"), RedisKeyspace.GROUP, Range.unbounded(), 100L)
			.size() * 1L);
	}

	private long streamLength() {
		return withRedis((redis) -> redis.opsForStream().size(new RedisKeyspace(this.prefix).ready("default")));
	}

	private static long withRedis(Function<StringRedisTemplate, Long> action) {
		LettuceConnectionFactory factory = TestRedis.get().connectionFactory();
		try {
			StringRedisTemplate redis = new StringRedisTemplate(factory);
			return action.apply(redis);
		}
		finally {
			factory.destroy();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowHandlers {

		@Bean
		Slow slow() {
			return new Slow();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class QuickHandlers {

		@Bean
		Quick quick() {
			return new Quick();
		}

	}

	public static class Slow {

		/**
		 * Runs until interrupted, then goes on for the given time before it gives up.
		 */
		@TaskHandler(value = "hold", timeout = "1h")
		public String hold(TaskContext context, long ignoreInterruptMillis) {
			SLOW_RUNNING.add(context.id());
			try {
				Thread.sleep(Duration.ofHours(1).toMillis());
				return "slow";
			}
			catch (InterruptedException ex) {
				long until = System.nanoTime() + Duration.ofMillis(ignoreInterruptMillis).toNanos();
				while (System.nanoTime() < until) {
					try {
						Thread.sleep(10);
					}
					catch (InterruptedException again) {
						// ignored, as some handlers do
					}
				}
				throw new IllegalStateException("Interrupted");
			}
			finally {
				SLOW_RUNNING.remove(context.id());
			}
		}

	}

	public static class Quick {

		@TaskHandler(value = "hold", timeout = "1h")
		public String hold(TaskContext context, long ignoreInterruptMillis) {
			if (SLOW_RUNNING.contains(context.id())) {
				OVERLAPS.add(context.id());
			}
			QUICK_RUNS.merge(context.id(), 1, Integer::sum);
			return "quick";
		}

	}

}
