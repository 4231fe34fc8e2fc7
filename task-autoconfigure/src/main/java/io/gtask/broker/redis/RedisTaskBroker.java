package io.gtask.broker.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.gtask.broker.Delivery;
import io.gtask.broker.OutgoingTask;
import io.gtask.broker.Settlement;
import io.gtask.broker.TaskBroker;
import io.gtask.core.DeadLetter;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisBatch;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.script.DefaultRedisScript;

import static io.gtask.redis.RedisAsync.bytes;

/**
 * A {@link TaskBroker} on Redis Streams.
 * <p>
 * Each queue is a stream read by the consumer group {@code gtask}: {@code XREADGROUP} fetches a
 * batch, the entries stay in the group's pending list until a script acknowledges and deletes
 * them, so a worker that dies holds nothing that is lost. Messages due later wait in a sorted set
 * scored by due time and are moved into the stream by a script once due.
 */
public class RedisTaskBroker implements TaskBroker {

	private static final LogAccessor logger = new LogAccessor(RedisTaskBroker.class);

	static final byte[] MESSAGE_FIELD = bytes("m");

	private static final byte[] GROUP = bytes(RedisKeyspace.GROUP);

	private static final DefaultRedisScript<Long> ACK = new DefaultRedisScript<>("""
			redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
			return redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
			""", Long.class);

	private static final DefaultRedisScript<Long> RETRY_LATER = new DefaultRedisScript<>("""
			redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
			redis.call('XDEL', KEYS[1], ARGV[2])
			return redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
			""", Long.class);

	private static final DefaultRedisScript<Long> PROMOTE = new DefaultRedisScript<>("""
			local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
			for _, message in ipairs(due) do
			  redis.call('XADD', KEYS[2], '*', 'm', message)
			  redis.call('ZREM', KEYS[1], message)
			end
			return #due
			""", Long.class);

	private static final DefaultRedisScript<List<Object>> RECLAIM = new DefaultRedisScript<>("""
			local pending = redis.call('XPENDING', KEYS[1], ARGV[1], 'IDLE', ARGV[3], '-', '+', ARGV[4])
			local claimed = {}
			for _, entry in ipairs(pending) do
			  local found = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], entry[1])
			  if found[1] and type(found[1]) == 'table' then
			    table.insert(claimed, {entry[1], entry[4] + 1, found[1][2]})
			  else
			    redis.call('XACK', KEYS[1], ARGV[1], entry[1])
			  end
			end
			return claimed
			""", (Class<List<Object>>) (Class<?>) List.class);

	private static final DefaultRedisScript<Long> KEEP_ALIVE = new DefaultRedisScript<>("""
			local args = {KEYS[1], ARGV[1], ARGV[2], 0}
			for i = 3, #ARGV do table.insert(args, ARGV[i]) end
			table.insert(args, 'JUSTID')
			return #redis.call('XCLAIM', unpack(args))
			""", Long.class);

	private static final DefaultRedisScript<Long> HAND_BACK = new DefaultRedisScript<>("""
			local moved = 0
			for i = 2, #ARGV do
			  local entry = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
			  if entry[1] then
			    redis.call('XADD', KEYS[1], '*', unpack(entry[1][2]))
			    moved = moved + 1
			  end
			  redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
			  redis.call('XDEL', KEYS[1], ARGV[i])
			end
			return moved
			""", Long.class);

	private static final DefaultRedisScript<Long> DEAD_LETTER = new DefaultRedisScript<>("""
			redis.call('HSET', KEYS[3], unpack(ARGV, 7))
			redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
			redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
			redis.call('XDEL', KEYS[1], ARGV[2])
			local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[5])
			local excess = redis.call('ZCARD', KEYS[2]) - #old - tonumber(ARGV[4])
			if excess > 0 then
			  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], #old, #old + excess - 1)) do table.insert(old, id) end
			end
			for _, id in ipairs(old) do
			  redis.call('ZREM', KEYS[2], id)
			  redis.call('DEL', ARGV[6] .. id)
			end
			return #old
			""", Long.class);

	private static final DefaultRedisScript<Long> REMOVE_DEAD_LETTER = new DefaultRedisScript<>("""
			if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
			redis.call('DEL', KEYS[2])
			if ARGV[2] == '1' then redis.call('XADD', KEYS[3], '*', 'm', ARGV[3]) end
			return 1
			""", Long.class);

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final int deadLetterMaxSize;

	private final Duration deadLetterMaxAge;

	/**
	 * Create a broker that keeps at most 10,000 dead letters per queue for at most 7 days.
	 * @param redis the connection
	 * @param keys the keyspace
	 */
	public RedisTaskBroker(RedisAsync redis, RedisKeyspace keys) {
		this(redis, keys, 10_000, Duration.ofDays(7));
	}

	/**
	 * Create a broker.
	 * @param redis the connection
	 * @param keys the keyspace
	 * @param deadLetterMaxSize the most dead letters kept per queue; the oldest go first
	 * @param deadLetterMaxAge how long a dead letter is kept
	 */
	public RedisTaskBroker(RedisAsync redis, RedisKeyspace keys, int deadLetterMaxSize, Duration deadLetterMaxAge) {
		this.redis = redis;
		this.keys = keys;
		this.deadLetterMaxSize = deadLetterMaxSize;
		this.deadLetterMaxAge = deadLetterMaxAge;
	}

	@Override
	public CompletableFuture<Void> enqueue(List<OutgoingTask> tasks) {
		if (tasks.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		return this.redis.submitBatch((batch) -> {
			for (OutgoingTask task : tasks) {
				if (task.due() == null) {
					batch.xadd(bytes(this.keys.ready(task.queue())), MESSAGE_FIELD, task.payload());
				}
				else {
					batch.zadd(bytes(this.keys.delayed(task.queue())), task.due().toEpochMilli(), task.payload());
				}
			}
		});
	}

	@Override
	public Consumer consumer(String queue, String consumerName) {
		return new StreamConsumer(queue, consumerName);
	}

	@Override
	public void settle(List<Settlement> settlements) {
		if (settlements.isEmpty()) {
			return;
		}
		List<Delivery> acks = new ArrayList<>(settlements.size());
		for (Settlement settlement : settlements) {
			if (settlement.retryPayload() == null && settlement.deadLetter() == null) {
				acks.add(settlement.delivery());
			}
		}
		Map<String, List<Delivery>> byQueue = byQueue(acks);
		this.redis.executeBatch((batch) -> {
			for (Settlement settlement : settlements) {
				if (settlement.retryPayload() != null && settlement.retryAt() != null) {
					retryLater(batch, settlement.delivery(), settlement.retryPayload(), settlement.retryAt());
				}
				else if (settlement.deadLetter() != null) {
					deadLetter(batch, settlement.delivery(), settlement.deadLetter());
				}
			}
			byQueue.forEach((queue, list) -> batch.script(ACK, new byte[][] { bytes(this.keys.ready(queue)) },
					groupAndIds(list)));
		});
	}

	private void retryLater(RedisBatch batch, Delivery delivery, byte[] payload, Instant due) {
		batch.script(RETRY_LATER,
				new byte[][] { bytes(this.keys.ready(delivery.queue())), bytes(this.keys.delayed(delivery.queue())) },
				GROUP, bytes(delivery.deliveryId()), bytes(Long.toString(due.toEpochMilli())), payload);
	}

	@Override
	public List<Delivery> reclaim(String queue, String consumerName, Duration minIdle, int max) {
		List<Object> claimed = this.redis.execute((commands) -> RedisAsync.<List<Object>>script(commands, RECLAIM,
				ScriptOutputType.MULTI, new byte[][] { bytes(this.keys.ready(queue)) }, GROUP, bytes(consumerName),
				bytes(Long.toString(minIdle.toMillis())), bytes(Integer.toString(max))));
		List<Delivery> deliveries = new ArrayList<>();
		if (claimed == null) {
			return deliveries;
		}
		for (Object item : claimed) {
			List<?> entry = (List<?>) item;
			byte[] payload = null;
			List<?> fields = (List<?>) entry.get(2);
			for (int i = 0; i + 1 < fields.size(); i += 2) {
				if (Arrays.equals((byte[]) fields.get(i), MESSAGE_FIELD)) {
					payload = (byte[]) fields.get(i + 1);
				}
			}
			deliveries.add(new Delivery(queue, RedisAsync.string((byte[]) entry.get(0)), payload,
					((Number) entry.get(1)).longValue()));
		}
		return deliveries;
	}

	@Override
	public void keepAlive(String queue, String consumerName, List<String> deliveryIds) {
		if (deliveryIds.isEmpty()) {
			return;
		}
		byte[][] args = new byte[deliveryIds.size() + 2][];
		args[0] = GROUP;
		args[1] = bytes(consumerName);
		for (int i = 0; i < deliveryIds.size(); i++) {
			args[i + 2] = bytes(deliveryIds.get(i));
		}
		this.redis.executeBatch((batch) -> batch.script(KEEP_ALIVE, new byte[][] { bytes(this.keys.ready(queue)) }, args));
	}

	@Override
	public void handBack(List<Delivery> deliveries) {
		if (deliveries.isEmpty()) {
			return;
		}
		Map<String, List<Delivery>> byQueue = byQueue(deliveries);
		this.redis.executeBatch((batch) -> byQueue.forEach((queue, list) -> batch.script(HAND_BACK,
				new byte[][] { bytes(this.keys.ready(queue)) }, groupAndIds(list))));
	}

	private void deadLetter(RedisBatch batch, Delivery delivery, DeadLetter deadLetter) {
		String queue = delivery.queue();
		List<byte[]> args = new ArrayList<>(26);
		args.add(GROUP);
		args.add(bytes(delivery.deliveryId()));
		args.add(bytes(Long.toString(deadLetter.deadAt().toEpochMilli())));
		args.add(bytes(Integer.toString(this.deadLetterMaxSize)));
		args.add(bytes(Long.toString(deadLetter.deadAt().minus(this.deadLetterMaxAge).toEpochMilli())));
		args.add(bytes(this.keys.deadLetterPrefix(queue)));
		field(args, "reason", deadLetter.reason());
		field(args, "taskId", deadLetter.taskId());
		field(args, "name", deadLetter.name());
		field(args, "errorType", deadLetter.errorType());
		field(args, "attempts", Integer.toString(deadLetter.attempts()));
		field(args, "deliveries", Long.toString(deadLetter.deliveries()));
		field(args, "deadAt", Long.toString(deadLetter.deadAt().toEpochMilli()));
		args.add(bytes("payload"));
		args.add(deadLetter.payload());
		batch.script(DEAD_LETTER,
				new byte[][] { bytes(this.keys.ready(queue)), bytes(this.keys.dead(queue)),
						bytes(this.keys.deadLetter(queue, delivery.deliveryId())) },
				args.toArray(new byte[0][]));
	}

	private static void field(List<byte[]> args, String name, @Nullable String value) {
		if (value != null) {
			args.add(bytes(name));
			args.add(bytes(value));
		}
	}

	@Override
	public long deadLetterCount(String queue) {
		Long count = this.redis.execute((commands) -> commands.zcard(bytes(this.keys.dead(queue))));
		return (count != null) ? count : 0;
	}

	@Override
	public List<DeadLetter> deadLetters(String queue, int offset, int limit) {
		if (limit <= 0) {
			return List.of();
		}
		List<byte[]> ids = this.redis.execute((commands) -> commands.zrevrange(bytes(this.keys.dead(queue)), offset,
				offset + limit - 1));
		if (ids == null || ids.isEmpty()) {
			return List.of();
		}
		List<Map<byte[], byte[]>> hashes = this.redis.execute((commands) -> {
			List<CompletableFuture<Map<byte[], byte[]>>> futures = new ArrayList<>(ids.size());
			for (byte[] id : ids) {
				futures.add(commands.hgetall(bytes(this.keys.deadLetter(queue, RedisAsync.string(id))))
					.toCompletableFuture());
			}
			return RedisAsync.all(futures).thenApply((ignored) -> futures.stream().map(CompletableFuture::join).toList());
		});
		List<DeadLetter> letters = new ArrayList<>(ids.size());
		for (int i = 0; i < ids.size(); i++) {
			DeadLetter letter = toDeadLetter(queue, RedisAsync.string(ids.get(i)), hashes.get(i));
			if (letter != null) {
				letters.add(letter);
			}
		}
		return letters;
	}

	@Override
	public @Nullable DeadLetter deadLetter(String queue, String id) {
		Map<byte[], byte[]> hash = this.redis
			.execute((commands) -> commands.hgetall(bytes(this.keys.deadLetter(queue, id))));
		return toDeadLetter(queue, id, hash);
	}

	private static @Nullable DeadLetter toDeadLetter(String queue, String id, @Nullable Map<byte[], byte[]> hash) {
		if (hash == null || hash.isEmpty()) {
			return null;
		}
		Map<String, byte[]> fields = new HashMap<>();
		hash.forEach((field, value) -> fields.put(RedisAsync.string(field), value));
		return new DeadLetter(id, queue, text(fields, "taskId"), text(fields, "name"),
				String.valueOf(text(fields, "reason")), text(fields, "errorType"), (int) number(fields, "attempts"),
				number(fields, "deliveries"), Instant.ofEpochMilli(number(fields, "deadAt")),
				fields.getOrDefault("payload", new byte[0]));
	}

	private static @Nullable String text(Map<String, byte[]> fields, String name) {
		byte[] value = fields.get(name);
		return (value != null) ? RedisAsync.string(value) : null;
	}

	private static long number(Map<String, byte[]> fields, String name) {
		String value = text(fields, name);
		try {
			return (value != null) ? Long.parseLong(value) : 0L;
		}
		catch (NumberFormatException ex) {
			return 0L;
		}
	}

	@Override
	public boolean removeDeadLetter(String queue, String id, byte @Nullable [] payload) {
		Long removed = this.redis.execute((commands) -> RedisAsync.<Long>script(commands, REMOVE_DEAD_LETTER,
				ScriptOutputType.INTEGER,
				new byte[][] { bytes(this.keys.dead(queue)), bytes(this.keys.deadLetter(queue, id)),
						bytes(this.keys.ready(queue)) },
				bytes(id), bytes((payload != null) ? "1" : "0"), (payload != null) ? payload : new byte[0]));
		return removed != null && removed == 1L;
	}

	private static Map<String, List<Delivery>> byQueue(List<Delivery> deliveries) {
		Map<String, List<Delivery>> byQueue = new LinkedHashMap<>();
		for (Delivery delivery : deliveries) {
			byQueue.computeIfAbsent(delivery.queue(), (queue) -> new ArrayList<>()).add(delivery);
		}
		return byQueue;
	}

	private static byte[][] groupAndIds(List<Delivery> deliveries) {
		byte[][] args = new byte[deliveries.size() + 1][];
		args[0] = GROUP;
		for (int i = 0; i < deliveries.size(); i++) {
			args[i + 1] = bytes(deliveries.get(i).deliveryId());
		}
		return args;
	}

	@Override
	public int promoteDue(String queue, Instant now, int limit) {
		Long moved = this.redis.execute((commands) -> RedisAsync.script(commands, PROMOTE, ScriptOutputType.INTEGER,
				new byte[][] { bytes(this.keys.delayed(queue)), bytes(this.keys.ready(queue)) },
				bytes(Long.toString(now.toEpochMilli())), bytes(Integer.toString(limit))));
		return (moved != null) ? moved.intValue() : 0;
	}

	private final class StreamConsumer implements Consumer {

		private final String queue;

		private final byte[] key;

		private final org.springframework.data.redis.connection.stream.Consumer consumer;

		private @Nullable RedisConnection connection;

		private boolean groupReady;

		StreamConsumer(String queue, String consumerName) {
			this.queue = queue;
			this.key = bytes(RedisTaskBroker.this.keys.ready(queue));
			this.consumer = org.springframework.data.redis.connection.stream.Consumer.from(RedisKeyspace.GROUP,
					consumerName);
		}

		@Override
		public List<Delivery> fetch(int max, Duration wait) {
			RedisConnection connection = this.connection;
			if (connection == null || connection.isClosed()) {
				// opened here, not when the consumer is created, so that a failure is one the fetcher retries
				connection = RedisTaskBroker.this.redis.getConnectionFactory().getConnection();
				this.connection = connection;
			}
			if (!this.groupReady) {
				createGroup(connection);
			}
			List<ByteRecord> records;
			try {
				records = connection.streamCommands()
					.xReadGroup(this.consumer, StreamReadOptions.empty().count(max).block(wait),
							StreamOffset.create(this.key, ReadOffset.lastConsumed()));
			}
			catch (DataAccessException ex) {
				if (isNoGroup(ex)) {
					// the stream was deleted (FLUSHALL, for example): create it again on the next fetch
					this.groupReady = false;
					return List.of();
				}
				reconnect();
				throw ex;
			}
			if (records == null || records.isEmpty()) {
				return List.of();
			}
			List<Delivery> deliveries = new ArrayList<>(records.size());
			for (ByteRecord record : records) {
				deliveries.add(new Delivery(this.queue, record.getId().getValue(), messageOf(record), 1));
			}
			return deliveries;
		}

		private byte @Nullable [] messageOf(ByteRecord record) {
			for (Map.Entry<byte[], byte[]> field : record.getValue().entrySet()) {
				if (Arrays.equals(field.getKey(), MESSAGE_FIELD)) {
					return field.getValue();
				}
			}
			return null;
		}

		private void createGroup(RedisConnection connection) {
			try {
				connection.streamCommands().xGroupCreate(this.key, RedisKeyspace.GROUP, ReadOffset.from("0-0"), true);
				logger.debug(() -> "Created consumer group for queue '" + this.queue + "'");
			}
			catch (DataAccessException ex) {
				if (!String.valueOf(ex.getMostSpecificCause().getMessage()).contains("BUSYGROUP")) {
					throw ex;
				}
			}
			this.groupReady = true;
		}

		private boolean isNoGroup(DataAccessException ex) {
			return String.valueOf(ex.getMostSpecificCause().getMessage()).contains("NOGROUP");
		}

		private void reconnect() {
			try {
				close();
			}
			catch (RuntimeException ex) {
				logger.trace(ex, "Failed to close connection");
			}
		}

		@Override
		public void close() {
			RedisConnection connection = this.connection;
			this.connection = null;
			if (connection != null) {
				connection.close();
			}
		}

	}

}
