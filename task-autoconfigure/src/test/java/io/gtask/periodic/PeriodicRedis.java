package io.gtask.periodic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.gtask.backend.redis.RedisResultBackend;
import io.gtask.broker.redis.RedisBrokerContext;
import io.gtask.broker.redis.RedisBrokerSettings;
import io.gtask.broker.redis.RedisTaskBroker;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.periodic.redis.RedisPeriodicTickStore;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.gtask.registry.TaskRegistry;
import io.gtask.send.TaskRouter;
import io.gtask.send.TaskSender;
import io.gtask.test.SettableClock;
import io.gtask.test.TestRedis;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * The test Redis under a key prefix of its own, with gtask's Redis tick store and result
 * backend on it, for tests of periodic scheduling that build schedulers by hand. Closing it
 * deletes the prefix's keys.
 */
public final class PeriodicRedis implements AutoCloseable {

	public final LettuceConnectionFactory connectionFactory = TestRedis.get().connectionFactory();

	public final RedisAsync redis = new RedisAsync(this.connectionFactory, Duration.ofSeconds(5));

	public final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	public final RedisKeyspace keys = new RedisKeyspace(this.prefix);

	public final RedisPeriodicTickStore store = new RedisPeriodicTickStore(this.redis, this.keys);

	public final RedisResultBackend backend = new RedisResultBackend(this.redis, this.keys, Duration.ofMinutes(10),
			Duration.ofSeconds(1));

	public final TaskMessageCodec codec = new TaskMessageCodec(JsonMapper.builder().build());

	public final TaskSender sender = new TaskSender(
			new RedisTaskBroker(new RedisBrokerContext(this.redis, this.keys, RedisBrokerSettings.defaults())),
			this.backend, this.codec, new TaskRouter("default", Map.of(), new TaskRegistry()),
			TaskMessageRules.DEFAULT_MAX_PAYLOAD_SIZE);

	private final List<PeriodicTaskScheduler> schedulers = new ArrayList<>();

	/**
	 * A scheduler on this Redis, as one instance of an application would have, stopped when
	 * this is closed.
	 */
	public PeriodicTaskScheduler scheduler(SettableClock clock, PeriodicSchedule... schedules) {
		return scheduler(this.store, clock, schedules);
	}

	public PeriodicTaskScheduler scheduler(PeriodicTickStore store, SettableClock clock,
			PeriodicSchedule... schedules) {
		PeriodicTaskScheduler scheduler = new PeriodicTaskScheduler(store, this.sender, this.codec,
				List.of(schedules));
		scheduler.setClock(clock);
		this.schedulers.add(scheduler);
		return scheduler;
	}

	/**
	 * The entries of a queue's ready stream, oldest first, each as its fields.
	 */
	public List<Map<String, String>> entries(String queue) {
		List<StreamMessage<byte[], byte[]>> messages = this.redis
			.execute((commands) -> commands.xrange(bytes(this.keys.ready(queue)), Range.create("-", "+")));
		List<Map<String, String>> entries = new ArrayList<>();
		for (StreamMessage<byte[], byte[]> message : messages) {
			Map<String, String> fields = new LinkedHashMap<>();
			message.getBody().forEach((field, value) -> fields.put(string(field), string(value)));
			entries.add(fields);
		}
		return entries;
	}

	/**
	 * The task ids of a queue's ready stream, oldest first.
	 */
	public List<String> taskIds(String queue) {
		return entries(queue).stream().map((entry) -> entry.get("i")).toList();
	}

	@Override
	public void close() throws Exception {
		this.schedulers.forEach(PeriodicTaskScheduler::stop);
		List<byte[]> keys = this.redis.execute((commands) -> commands.keys(this.prefix + ":*"));
		if (!keys.isEmpty()) {
			this.redis.execute((commands) -> commands.del(keys.toArray(new byte[0][])));
		}
		this.backend.destroy();
		this.connectionFactory.destroy();
	}

}
