package io.gtask.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.gtask.autoconfigure.GTaskProperties;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskRequest;
import io.gtask.worker.TaskContainer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writes random and adversarial content into every kind of key of a queue while tasks flow
 * through it: wrong Redis types (of queue keys and of task state keys), truncated JSON, binary,
 * empty strings, huge values, numbers where strings belong, ids and names a sender could not use. The worker must stay alive, every well-formed task must finish, and every
 * bad entry must end as a dead letter that names its reason.
 */
@Tag("fuzz")
class HostileDataFuzzTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final int GOOD_TASKS = 300;

	/**
	 * The lane whose key the fuzzer replaces with a value of another type; good tasks avoid it.
	 */
	private static final int BROKEN_LANE = 7;

	@Test
	void workerSurvivesHostileContentInEveryKeyAndEveryGoodTaskFinishes() {
		GTaskTestSupport.runner()
			.withUserConfiguration(Handlers.class)
			.withPropertyValues("gtask.message.max-payload-size=64KB", "gtask.worker.concurrency=8")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				DeadLetters deadLetters = context.getBean(DeadLetters.class);
				String prefix = context.getBean(GTaskProperties.class).getKeyPrefix();
				String queue = prefix + ":{default}";
				RedisConnectionFactory factory = context.getBean(RedisConnectionFactory.class);
				Random random = new Random(42);
				int hostile = 0;
				Map<String, Integer> expected = new HashMap<>();
				try (RedisConnection redis = factory.getConnection()) {
					// keys of the wrong type from the start
					redis.stringCommands().set(bytes(lane(queue, BROKEN_LANE)), bytes("not a stream"));
					redis.stringCommands().set(bytes(queue + ":revoked"), bytes("not a sorted set"));
					redis.stringCommands().set(bytes(queue + ":limited"), bytes("not a set"));
					redis.keyCommands().del(bytes(queue + ":consumers"));
					redis.listCommands().rPush(bytes(queue + ":consumers"), bytes("not a sorted set"));
					for (int i = 0; i < GOOD_TASKS; i++) {
						int lane = random.nextInt(11);
						if (lane == BROKEN_LANE) {
							lane = 0;
						}
						TaskRequest.Builder request = TaskRequest.of((i % 5 == 0) ? "fuzzLimited" : "fuzzAdd").args(i, 1);
						if (lane == 10) {
							request.pushToFront();
						}
						else {
							request.priority(lane);
						}
						if (i % 7 == 0) {
							request.countdown(Duration.ofMillis(50 + random.nextInt(500)));
						}
						expected.put(client.send(request.build()), i + 1);
						if (i % 10 == 0) {
							hostile += injectIntoLane(redis, queue, random);
							hostile += injectIntoDelayed(redis, queue, random);
							hostile += injectIntoWaitingList(redis, queue, random);
						}
					}
				}
				int injected = hostile;
				io.gtask.core.TaskQueues queues = context.getBean(io.gtask.core.TaskQueues.class);
				await().atMost(WAIT).untilAsserted(() -> {
					for (Map.Entry<String, Integer> entry : expected.entrySet()) {
						assertThat(client.find(entry.getKey())).as("task %s (%s)", entry.getKey(), queueState(queues))
							.hasValueSatisfying((info) -> assertThat(info.result()).isEqualTo(entry.getValue().toString()));
					}
				});
				await().atMost(WAIT).untilAsserted(() -> assertThat(deadLetters.count("default")).isEqualTo(injected));
				List<DeadLetter> letters = deadLetters.list("default", 0, injected + 10);
				assertThat(letters).hasSize(injected).allSatisfy((letter) -> assertThat(letter.reason()).isNotBlank());
				assertThat(context.getBean(TaskContainer.class).isRunning()).isTrue();
			});
	}

	private static String queueState(io.gtask.core.TaskQueues queues) {
		try {
			return queues.info("default") + ", broken keys " + queues.keyProblems("default");
		}
		catch (RuntimeException ex) {
			return ex.toString();
		}
	}

	private static String lane(String queue, int lane) {
		return queue + ":ready" + ((lane == 0) ? "" : ":" + lane);
	}

	private static int injectIntoLane(RedisConnection redis, String queue, Random random) {
		int lane = random.nextInt(11);
		if (lane == BROKEN_LANE) {
			lane = 1;
		}
		Map<byte[], byte[]> fields = new HashMap<>();
		if (random.nextInt(6) == 0) {
			// a well-formed task whose state key holds another type: its outcome cannot be recorded
			String id = "fz-task-" + Long.toHexString(random.nextLong());
			String prefix = queue.substring(0, queue.indexOf(":{"));
			redis.listCommands().rPush(bytes(prefix + ":task:" + id), bytes("not a hash"));
			fields.put(bytes("m"), bytes("{\"v\":1,\"id\":\"" + id + "\",\"name\":\"fuzzAdd\",\"queue\":\"default\","
					+ "\"args\":[1,2],\"attempt\":0,\"createdAt\":0}"));
		}
		else if (random.nextInt(5) == 0) {
			fields.put(bytes("x"), hostileValue(random));
		}
		else {
			fields.put(bytes("m"), hostileValue(random));
		}
		if (random.nextBoolean()) {
			fields.put(bytes("d"), bytes(random.nextBoolean() ? "many" : "-5"));
		}
		redis.streamCommands().xAdd(bytes(lane(queue, lane)), fields);
		return 1;
	}

	private static int injectIntoDelayed(RedisConnection redis, String queue, Random random) {
		byte[] value = hostileValue(random);
		String[] tags = { "", "3|", "99|", "|", "10|", "7|" };
		String tag = tags[random.nextInt(tags.length)];
		byte[] member = new byte[tag.length() + value.length];
		System.arraycopy(bytes(tag), 0, member, 0, tag.length());
		System.arraycopy(value, 0, member, tag.length(), value.length);
		// due now: promoted at once
		redis.zSetCommands().zAdd(bytes(queue + ":delayed"), System.currentTimeMillis(), member);
		return 1;
	}

	private static int injectIntoWaitingList(RedisConnection redis, String queue, Random random) {
		redis.listCommands().rPush(bytes(queue + ":waiting:fuzzLimited"), hostileValue(random));
		return 1;
	}

	private static byte[] hostileValue(Random random) {
		String id = "fz-" + Long.toHexString(random.nextLong());
		List<String> values = new ArrayList<>(List.of("", "{not json", "{\"v\":1,\"id\":\"" + id + "\",\"na", "12345",
				"[]", "null", "true", "\"just a string\"",
				"{\"v\":1,\"id\":123,\"name\":[\"x\"],\"queue\":{},\"args\":\"nope\"}",
				"{\"v\":1,\"id\":\"" + id + "\",\"name\":\"noSuchTask\",\"queue\":\"default\",\"args\":[],\"attempt\":0,\"createdAt\":0}",
				"{\"v\":1,\"id\":\"" + id + "\",\"name\":\"fuzzAdd\",\"queue\":\"default\",\"args\":[\"a\",{}],\"attempt\":0,\"createdAt\":0}",
				"{\"v\":1,\"id\":\"" + "x".repeat(300) + "\",\"name\":\"fuzzAdd\",\"queue\":\"default\",\"args\":[1,1],\"attempt\":0,\"createdAt\":0}",
				"{\"v\":1,\"id\":\"" + id + "\\u0001\",\"name\":\"fuzzAdd\",\"queue\":\"default\",\"args\":[1,1],\"attempt\":0,\"createdAt\":0}",
				"{\"v\":1,\"id\":\"" + id + "\",\"name\":\"fuzzAdd\",\"queue\":\"default\",\"args\":[\"" + "a".repeat(100_000)
						+ "\"],\"attempt\":0,\"createdAt\":0}",
				"{\"v\":99,\"id\":\"" + id + "\"}"));
		if (random.nextInt(4) == 0) {
			byte[] binary = new byte[1 + random.nextInt(64)];
			random.nextBytes(binary);
			return binary;
		}
		return bytes(values.get(random.nextInt(values.size())));
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		FuzzHandlers fuzzHandlers() {
			return new FuzzHandlers();
		}

	}

	static class FuzzHandlers {

		@TaskHandler("fuzzAdd")
		int add(int a, int b) {
			return a + b;
		}

		@TaskHandler(value = "fuzzLimited", concurrency = 2)
		int limited(int a, int b) {
			return a + b;
		}

	}

}
