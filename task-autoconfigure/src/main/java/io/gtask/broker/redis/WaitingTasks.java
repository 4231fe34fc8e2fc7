package io.gtask.broker.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.gtask.broker.Delivery;
import io.gtask.core.TaskLimit;
import io.gtask.redis.RedisBatch;
import io.gtask.redis.RedisKeyspace;
import org.springframework.core.log.LogAccessor;

import static io.gtask.broker.redis.Lanes.number;
import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * The tasks that wait for the limits of their name, one list per name: setting deliveries aside
 * there, releasing the permits of finished ones, and moving waiting tasks back into their lanes
 * as far as the limits allow.
 */
final class WaitingTasks {

	private static final LogAccessor logger = new LogAccessor(RedisTaskBroker.class);

	private final RedisBrokerContext context;

	WaitingTasks(RedisBrokerContext context) {
		this.context = context;
	}

	/**
	 * Set deliveries aside in the waiting lists of their names.
	 */
	void defer(List<Delivery> deliveries) {
		if (deliveries.isEmpty()) {
			return;
		}
		RedisKeyspace keys = this.context.keys();
		this.context.redis().executeBatch((batch) -> {
			for (Delivery delivery : deliveries) {
				batch.script(BrokerScripts.DEFER, new byte[][] { bytes(Lanes.key(keys, delivery)) }, BrokerScripts.GROUP,
						bytes(delivery.deliveryId()), bytes(keys.queuePrefix(delivery.queue())),
						bytes(String.valueOf(delivery.limitedName())),
						Lanes.tagged(delivery.priority(), Lanes.counted(delivery.deliveryCount() - 1,
								(delivery.payload() != null) ? delivery.payload() : new byte[0])),
						bytes(Lanes.identity(delivery)),
						bytes((delivery.group() != null) ? delivery.group() : ""));
			}
		});
	}

	/**
	 * Put waiting tasks back into their lanes as far as the limits allow.
	 */
	int admitWaiting(String queue, Instant now, Map<String, Integer> localFree) {
		if (this.context.limits().isEmpty()) {
			return 0;
		}
		List<CompletableFuture<Integer>> result = new ArrayList<>(1);
		this.context.redis().executeBatch((batch) -> result.add(admit(batch, queue, now, List.of(), localFree)));
		return result.get(0).join();
	}

	/**
	 * Release the permits of finished deliveries and put back waiting tasks of the names
	 * concerned as far as their limits allow, in a batch.
	 * @param localFree how many more tasks of each name with a per-instance limit this instance
	 * could run now
	 */
	CompletableFuture<Integer> admit(RedisBatch batch, String queue, Instant now, List<Delivery> released,
			Map<String, Integer> localFree) {
		RedisKeyspace keys = this.context.keys();
		List<byte[]> args = new ArrayList<>();
		args.add(bytes(keys.queuePrefix(queue)));
		args.add(number(now.toEpochMilli()));
		args.add(number(now.plus(this.context.getSettings().leaseTime()).toEpochMilli()));
		args.add(bytes(keys.deadLetterPrefix(queue)));
		args.add(number(released.size()));
		Map<String, Boolean> names = new LinkedHashMap<>();
		for (Delivery delivery : released) {
			args.add(bytes(delivery.limitedName()));
			args.add(bytes(Lanes.identity(delivery)));
			names.put(delivery.limitedName(), true);
		}
		for (Map.Entry<String, TaskLimit> entry : this.context.limits().entrySet()) {
			String name = entry.getKey();
			TaskLimit limit = entry.getValue();
			int max;
			if (limit.localConcurrency() > 0) {
				max = localFree.getOrDefault(name, 0);
			}
			else if (limit.isGlobal()) {
				max = Integer.MAX_VALUE;
			}
			else {
				continue;
			}
			if (max <= 0 || (!released.isEmpty() && !names.containsKey(name))) {
				continue;
			}
			args.add(bytes(name));
			args.add(number(limit.concurrency()));
			args.add(number(limit.rate()));
			args.add(number((limit.ratePeriod() != null) ? limit.ratePeriod().toMillis() : 0));
			args.add(number(Math.min(max, 1_000)));
		}
		byte[][] scriptKeys = Arrays.copyOf(Lanes.keys(keys, queue), RedisKeyspace.LANES + 1);
		scriptKeys[RedisKeyspace.LANES] = bytes(keys.dead(queue));
		return batch.scriptValue(BrokerScripts.ADMIT, scriptKeys, args.toArray(new byte[0][]))
			.thenApply((result) -> admitted(queue, (result != null) ? string(result) : "0"));
	}

	private static int admitted(String queue, String result) {
		String[] lines = result.split("\n");
		for (int i = 1; i < lines.length; i++) {
			String line = lines[i];
			int space = line.indexOf(' ');
			logger.warn(() -> "Set aside waiting entry of queue '" + queue + "' as dead letter "
					+ line.substring(0, space) + ": " + line.substring(space + 1));
		}
		return Integer.parseInt(lines[0]);
	}

}
