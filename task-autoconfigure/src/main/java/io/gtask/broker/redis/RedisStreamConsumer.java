package io.gtask.broker.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.gtask.broker.Delivery;
import io.gtask.broker.TaskBroker;
import io.gtask.core.TaskLimit;
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

import static io.gtask.broker.redis.Lanes.number;
import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * Fetches a batch of one queue with the fetch script, across its lanes, highest first, then tasks
 * of groups in turns. When a fetch finds nothing, it blocks on {@code XREAD} from the group's last
 * delivered ids and the last id of the queue's wake stream, on a connection of its own, so that it
 * wakes as soon as a task arrives in any lane or group, or a group's permit is released.
 */
final class RedisStreamConsumer implements TaskBroker.Consumer {

	private static final LogAccessor logger = new LogAccessor(RedisTaskBroker.class);

	private final RedisBrokerContext context;

	private final String queue;

	private final byte[][] lanesHighFirst;

	private final byte[] consumerName;

	private final byte[] wake;

	private final byte[] prefix;

	private final byte[] deadPrefix;

	private @Nullable RedisConnection connection;

	private volatile boolean paused;

	private volatile @Nullable List<?> lastIds;

	RedisStreamConsumer(RedisBrokerContext context, String queue, String consumerName) {
		this.context = context;
		this.queue = queue;
		RedisKeyspace keys = context.keys();
		byte[][] lanes = Lanes.keys(keys, queue);
		this.lanesHighFirst = new byte[lanes.length + 3][];
		for (int i = 0; i < lanes.length; i++) {
			this.lanesHighFirst[i] = lanes[lanes.length - 1 - i];
		}
		this.wake = bytes(keys.groupsWake(queue));
		this.lanesHighFirst[lanes.length] = bytes(keys.paused(queue));
		this.lanesHighFirst[lanes.length + 1] = bytes(keys.revoked(queue));
		this.lanesHighFirst[lanes.length + 2] = bytes(keys.dead(queue));
		this.deadPrefix = bytes(keys.deadLetterPrefix(queue));
		this.consumerName = bytes(consumerName);
		this.prefix = bytes(keys.queuePrefix(queue));
	}

	@Override
	public List<Delivery> fetch(int max) {
		List<Object> result = fetchNow(max);
		if (((Number) result.get(0)).intValue() == 1) {
			this.paused = true;
			this.lastIds = null;
			return List.of();
		}
		this.paused = false;
		List<?> entries = (List<?>) result.get(1);
		List<?> last = (List<?>) result.get(2);
		this.lastIds = (entries.isEmpty() && !last.isEmpty()) ? last : null;
		this.context.keyTypes().found(this.queue, (List<?>) result.get(3));
		return deliveries(entries);
	}

	@Override
	public void awaitMessages(Duration wait) {
		List<?> lastIds = this.lastIds;
		if (this.paused || lastIds == null) {
			// paused: look again after a while, as resuming a queue wakes nobody
			sleep(wait);
			return;
		}
		this.lastIds = null;
		awaitEntries(lastIds, wait);
	}

	private List<Object> fetchNow(int max) {
		long now = System.currentTimeMillis();
		Map<String, TaskLimit> limits = this.context.limits();
		List<byte[]> args = new ArrayList<>(7 + limits.size() * 4);
		args.add(BrokerScripts.GROUP);
		args.add(this.consumerName);
		args.add(number(max));
		args.add(number(now));
		args.add(number(now + this.context.getSettings().leaseTime().toMillis()));
		args.add(this.prefix);
		args.add(this.deadPrefix);
		args.add(number(limits.size()));
		limits.forEach((name, limit) -> {
			args.add(bytes(name));
			args.add(number(limit.concurrency()));
			args.add(number(limit.rate()));
			args.add(number((limit.ratePeriod() != null) ? limit.ratePeriod().toMillis() : 0));
		});
		TaskLimit groupLimit = this.context.getSettings().groupLimit();
		args.add(number(groupLimit.concurrency()));
		args.add(number(groupLimit.rate()));
		args.add(number((groupLimit.ratePeriod() != null) ? groupLimit.ratePeriod().toMillis() : 0));
		return this.context.redis().execute((commands) -> RedisAsync.<List<Object>>script(commands,
				BrokerScripts.FETCH, ScriptOutputType.MULTI, this.lanesHighFirst, args.toArray(new byte[0][])));
	}

	private List<Delivery> deliveries(List<?> entries) {
		List<Delivery> deliveries = new ArrayList<>(entries.size() / 6);
		for (int i = 0; i + 5 < entries.size(); i += 6) {
			byte[] name = (byte[]) entries.get(i + 4);
			byte[] group = (byte[]) entries.get(i + 5);
			deliveries.add(new Delivery(this.queue, ((Number) entries.get(i)).intValue(),
					string((byte[]) entries.get(i + 1)), (byte[]) entries.get(i + 2),
					((Number) entries.get(i + 3)).longValue(), (name.length > 0) ? string(name) : null,
					(group.length > 0) ? string(group) : null));
		}
		return deliveries;
	}

	/**
	 * Block until an entry arrives in any lane after the group's last delivered id, or the wait
	 * is over.
	 */
	private boolean awaitEntries(List<?> lastIds, Duration wait) {
		RedisConnection connection = this.connection;
		if (connection == null || connection.isClosed()) {
			// opened here, not when the consumer is created, so that a failure is one the fetcher retries
			connection = this.context.redis().getConnectionFactory().getConnection();
			this.connection = connection;
		}
		List<StreamOffset<byte[]>> readable = new ArrayList<>(lastIds.size());
		for (int i = 0; i < lastIds.size(); i++) {
			String last = string((byte[]) lastIds.get(i));
			// a lane whose key holds another type is left out, or XREAD would fail for all
			if (!last.isEmpty()) {
				// after the lanes, the stream that tasks of groups and released permits of groups wake
				byte[] key = (i < RedisKeyspace.LANES) ? this.lanesHighFirst[i] : this.wake;
				readable.add(StreamOffset.create(key, ReadOffset.from(last)));
			}
		}
		if (readable.isEmpty()) {
			sleep(wait);
			return false;
		}
		StreamOffset<byte[]>[] offsets = readable.toArray(new StreamOffset[0]);
		try {
			List<ByteRecord> records = connection.streamCommands()
				.xRead(StreamReadOptions.empty().count(1).block(wait), offsets);
			return records != null && !records.isEmpty();
		}
		catch (DataAccessException ex) {
			reconnect();
			throw ex;
		}
	}

	private void sleep(Duration wait) {
		try {
			Thread.sleep(Math.min(wait.toMillis(), 1000));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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
