package io.gtask.broker.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.gtask.broker.Delivery;
import io.gtask.broker.OutgoingTask;
import io.gtask.broker.TaskBroker;
import io.gtask.redis.RedisAsync;
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

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	/**
	 * Create a broker.
	 * @param redis the connection
	 * @param keys the keyspace
	 */
	public RedisTaskBroker(RedisAsync redis, RedisKeyspace keys) {
		this.redis = redis;
		this.keys = keys;
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
	public void acknowledge(List<Delivery> deliveries) {
		if (deliveries.isEmpty()) {
			return;
		}
		Map<String, List<Delivery>> byQueue = new LinkedHashMap<>();
		for (Delivery delivery : deliveries) {
			byQueue.computeIfAbsent(delivery.queue(), (queue) -> new ArrayList<>()).add(delivery);
		}
		this.redis.executeBatch((batch) -> byQueue.forEach((queue, list) -> {
			byte[][] args = new byte[list.size() + 1][];
			args[0] = GROUP;
			for (int i = 0; i < list.size(); i++) {
				args[i + 1] = bytes(list.get(i).deliveryId());
			}
			batch.script(ACK, new byte[][] { bytes(this.keys.ready(queue)) }, args);
		}));
	}

	@Override
	public void retryLater(Delivery delivery, byte[] payload, Instant due) {
		this.redis.execute((commands) -> RedisAsync.script(commands, RETRY_LATER, ScriptOutputType.INTEGER,
				new byte[][] { bytes(this.keys.ready(delivery.queue())), bytes(this.keys.delayed(delivery.queue())) },
				GROUP, bytes(delivery.deliveryId()), bytes(Long.toString(due.toEpochMilli())), payload));
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

		private RedisConnection connection;

		private boolean groupReady;

		StreamConsumer(String queue, String consumerName) {
			this.queue = queue;
			this.key = bytes(RedisTaskBroker.this.keys.ready(queue));
			this.consumer = org.springframework.data.redis.connection.stream.Consumer.from(RedisKeyspace.GROUP,
					consumerName);
			this.connection = RedisTaskBroker.this.redis.getConnectionFactory().getConnection();
		}

		@Override
		public List<Delivery> fetch(int max, Duration wait) {
			if (this.connection.isClosed()) {
				this.connection = RedisTaskBroker.this.redis.getConnectionFactory().getConnection();
			}
			if (!this.groupReady) {
				createGroup();
			}
			List<ByteRecord> records;
			try {
				records = this.connection.streamCommands()
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
				deliveries.add(new Delivery(this.queue, record.getId().getValue(), messageOf(record)));
			}
			return deliveries;
		}

		private byte @Nullable [] messageOf(ByteRecord record) {
			for (Map.Entry<byte[], byte[]> field : record.getValue().entrySet()) {
				if (java.util.Arrays.equals(field.getKey(), MESSAGE_FIELD)) {
					return field.getValue();
				}
			}
			return null;
		}

		private void createGroup() {
			try {
				this.connection.streamCommands().xGroupCreate(this.key, RedisKeyspace.GROUP, ReadOffset.from("0-0"), true);
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
				this.connection.close();
			}
			catch (RuntimeException ex) {
				logger.trace(ex, "Failed to close connection");
			}
		}

		@Override
		public void close() {
			this.connection.close();
		}

	}

}
