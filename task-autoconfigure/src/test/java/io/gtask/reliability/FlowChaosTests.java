package io.gtask.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.autoconfigure.GTaskFlowAutoConfiguration;
import io.gtask.core.BatchInfo;
import io.gtask.core.BatchRequest;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFlow;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.test.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.gtask.core.TaskFlow.chain;
import static io.gtask.core.TaskFlow.chord;
import static io.gtask.core.TaskFlow.group;
import static io.gtask.core.TaskFlow.task;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chords, chains and batches run by three worker JVMs, one of which is killed with SIGKILL
 * every two seconds and replaced: every flow and batch ends SUCCESS with the right result and
 * counts, every step and every callback ran, and none ran twice unless a kill cut its run short.
 */
@Tag("reliability")
class FlowChaosTests {

	private static final int CHORDS = 16;

	private static final int MEMBERS = 50;

	private static final int CHAINS = 16;

	private static final int LINKS = 5;

	private static final int BATCHES = 6;

	private static final Duration DEADLINE = Duration.ofMinutes(3);

	private final String prefix = "gtask-flowchaos-" + UUID.randomUUID().toString().substring(0, 8);

	private final String logKey = this.prefix + ":runs";

	private final RunJournal journal = new RunJournal();

	@Test
	void everyFlowEndsOnceWithItsResultThroughWorkerKills() throws Exception {
		String url = TestRedis.get().url();
		List<ReliabilitySuiteTests.Worker> workers = new ArrayList<>();
		int[] next = { 1 };
		Random random = new Random(7);
		try {
			for (int i = 0; i < 3; i++) {
				workers.add(ReliabilitySuiteTests.Worker.start(next[0]++, url, this.prefix, this.logKey, List.of()));
			}
			for (ReliabilitySuiteTests.Worker worker : workers) {
				worker.awaitStarted();
			}
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
						JacksonAutoConfiguration.class, GTaskAutoConfiguration.class,
					GTaskFlowAutoConfiguration.class))
				.withPropertyValues("spring.data.redis.url=" + url, "gtask.key-prefix=" + this.prefix,
						"gtask.worker.enabled=false")
				.run((context) -> {
					TaskClient client = context.getBean(TaskClient.class);
					Map<String, Long> expected = new LinkedHashMap<>();
					List<Long> steps = new ArrayList<>();
					for (int c = 0; c < CHORDS; c++) {
						List<TaskFlow> members = new ArrayList<>();
						long sum = 0;
						for (int m = 0; m < MEMBERS; m++) {
							long n = c * 1000L + m;
							members.add(task("flowMember", n, 100L + random.nextInt(300)));
							steps.add(n);
							sum += n;
						}
						long callback = c * 1000L + 999;
						steps.add(callback);
						expected.put(client.flows().start(chord(group(members), task("flowCallback", callback, 300L))),
								sum);
					}
					for (int k = 0; k < CHAINS; k++) {
						long first = 100_000L + k * 100L;
						List<TaskFlow> links = new ArrayList<>();
						links.add(task("flowMember", first, 200L));
						steps.add(first);
						for (int l = 1; l < LINKS; l++) {
							links.add(task("flowLink", first + l, 200L + random.nextInt(200)));
							steps.add(first + l);
						}
						expected.put(client.flows().start(chain(links)), first + LINKS - 1);
					}
					Map<String, Long> batches = new LinkedHashMap<>();
					for (int b = 0; b < BATCHES; b++) {
						List<TaskRequest> members = new ArrayList<>();
						for (int m = 0; m < MEMBERS; m++) {
							long n = 200_000L + b * 1000L + m;
							members.add(TaskRequest.of("flowMember").args(n, 100L + random.nextInt(300)).build());
							steps.add(n);
						}
						long callback = 200_000L + b * 1000L + 999;
						steps.add(callback);
						String id = client.batches()
							.start(BatchRequest.of(members)
								.onComplete(TaskRequest.of("batchCallback").args(callback, 300L).build()));
						batches.put(id, (long) MEMBERS);
						expected.put(id, -1L);
					}
					long deadline = System.nanoTime() + DEADLINE.toNanos();
					int kills = 0;
					Map<String, TaskInfo> ended = new LinkedHashMap<>();
					while (ended.size() < expected.size() && System.nanoTime() < deadline) {
						Thread.sleep(2000);
						if (kills < 6) {
							ReliabilitySuiteTests.Worker victim = workers.remove(random.nextInt(workers.size()));
							victim.kill();
							this.journal.killed(victim.number(), System.currentTimeMillis());
							kills++;
							workers.add(ReliabilitySuiteTests.Worker.start(next[0]++, url, this.prefix, this.logKey,
									List.of()));
						}
						for (String id : expected.keySet()) {
							client.find(id).filter(TaskInfo::isFinished).ifPresent((info) -> ended.put(id, info));
						}
					}
					assertThat(ended).as("flows ended").hasSize(expected.size());
					expected.forEach((id, result) -> {
						TaskInfo info = ended.get(id);
						assertThat(info.status()).as("state of flow " + id + ": " + info.error()).isEqualTo(TaskStatus.SUCCESS);
						if (result >= 0) {
							assertThat(info.result()).as("result of flow " + id).isEqualTo(Long.toString(result));
						}
					});
					batches.forEach((id, members) -> {
						BatchInfo batch = client.batches().info(id);
						assertThat(batch.succeeded()).as("members of batch " + id).isEqualTo(members);
						assertThat(batch.total()).isEqualTo(members);
						// the callback is sent when the batch ends, and may not have run yet
						assertThat(client.awaitCompletion(batch.onCompleteId(), Duration.ofSeconds(60)).status())
							.as("callback of batch " + id).isEqualTo(TaskStatus.SUCCESS);
					});
					try (RedisClient redis = RedisClient.create(url);
							StatefulRedisConnection<String, String> connection = redis.connect()) {
						this.journal.read(connection.sync().lrange(this.logKey, 0, -1));
						connection.sync().del(this.logKey);
					}
					for (long step : steps) {
						assertThat(this.journal.ran(step)).as("step " + step + " ran").isTrue();
					}
					assertThat(this.journal.unexplainedRepeats()).as("steps and callbacks run twice with no kill")
						.isEmpty();
					System.out.println("flow chaos: " + kills + " kills, " + this.journal.runCount() + " runs of "
							+ steps.size() + " steps, " + this.journal.repeated() + " run again after a kill");
				});
		}
		finally {
			for (ReliabilitySuiteTests.Worker worker : workers) {
				worker.kill();
			}
		}
	}

}
