package io.gtask.broker.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gtask.broker.Delivery;
import io.gtask.core.TaskLimit;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScriptOutputType;

import static io.gtask.broker.redis.BrokerScripts.GROUP;
import static io.gtask.broker.redis.Lanes.number;
import static io.gtask.redis.RedisAsync.bytes;

/**
 * What a consumer holds, kept and given up: claims on fetched entries renewed while their tasks
 * run (with the leases of limited task names), entries handed back unstarted, entries of dead
 * consumers reclaimed, and the consumer's heartbeat.
 */
final class RedisClaims {

	private final RedisBrokerContext context;

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final WaitingTasks waiting;

	private final GroupPermits groupPermits;

	RedisClaims(RedisBrokerContext context, WaitingTasks waiting, GroupPermits groupPermits) {
		this.context = context;
		this.redis = context.redis();
		this.keys = context.keys();
		this.waiting = waiting;
		this.groupPermits = groupPermits;
	}

	int reclaim(String queue, Duration minIdle, int max) {
		Long moved = this.redis.execute((commands) -> RedisAsync.<Long>script(commands, BrokerScripts.RECLAIM,
				ScriptOutputType.INTEGER, Lanes.keys(this.keys, queue), GROUP, number(minIdle.toMillis()),
				number(max), number(minIdle.toMillis() * 10)));
		return (moved != null) ? moved.intValue() : 0;
	}

	void heartbeat(String queue, String consumerName, Duration ttl) {
		long now = System.currentTimeMillis();
		byte[] key = bytes(this.keys.consumers(queue));
		this.redis.executeBatch((batch) -> {
			batch.zadd(key, (double) (now + ttl.toMillis()), bytes(consumerName));
			// consumers that stopped sending heartbeats (every restart adds a name) are forgotten
			batch.script(BrokerScripts.FORGET_CONSUMERS, new byte[][] { key }, number(now));
		});
	}

	void keepAlive(List<Delivery> deliveries, String consumerName) {
		Map<String, List<Delivery>> byLane = new LinkedHashMap<>();
		Map<String, List<Delivery>> leased = new LinkedHashMap<>();
		Map<String, TaskLimit> limits = this.context.limits();
		Map<String, List<Delivery>> byQueue = new LinkedHashMap<>();
		for (Delivery delivery : deliveries) {
			byLane.computeIfAbsent(Lanes.key(this.keys, delivery), (key) -> new ArrayList<>()).add(delivery);
			byQueue.computeIfAbsent(delivery.queue(), (queue) -> new ArrayList<>()).add(delivery);
			TaskLimit limit = (delivery.limitedName() != null) ? limits.get(delivery.limitedName()) : null;
			if (limit != null && limit.concurrency() > 0) {
				leased.computeIfAbsent(delivery.queue(), (queue) -> new ArrayList<>()).add(delivery);
			}
		}
		if (byLane.isEmpty()) {
			return;
		}
		byte[] until = number(System.currentTimeMillis() + this.context.getSettings().leaseTime().toMillis());
		this.redis.executeBatch((batch) -> {
			byLane.forEach((key, list) -> {
				byte[][] args = new byte[list.size() + 2][];
				args[0] = GROUP;
				args[1] = bytes(consumerName);
				for (int i = 0; i < list.size(); i++) {
					args[i + 2] = bytes(list.get(i).deliveryId());
				}
				batch.script(BrokerScripts.KEEP_ALIVE, new byte[][] { bytes(key) }, args);
			});
			byQueue.forEach((queue, all) -> {
				List<byte[]> args = new ArrayList<>();
				args.add(bytes(this.keys.queuePrefix(queue)));
				args.add(until);
				for (Delivery delivery : leased.getOrDefault(queue, List.of())) {
					args.add(bytes("leases:" + delivery.limitedName()));
					args.add(bytes(Lanes.identity(delivery)));
				}
				this.groupPermits.addRenewals(args, all);
				if (args.size() > 2) {
					batch.script(BrokerScripts.RENEW_LEASES, new byte[][] { bytes(this.keys.ready(queue)) },
							args.toArray(new byte[0][]));
				}
			});
		});
	}

	void handBack(List<Delivery> deliveries) {
		if (deliveries.isEmpty()) {
			return;
		}
		Map<String, List<Delivery>> byLane = new LinkedHashMap<>();
		for (Delivery delivery : deliveries) {
			byLane.computeIfAbsent(Lanes.key(this.keys, delivery), (key) -> new ArrayList<>()).add(delivery);
		}
		List<Delivery> leased = deliveries.stream().filter((delivery) -> delivery.limitedName() != null).toList();
		this.redis.executeBatch((batch) -> {
			byLane.forEach((key, list) -> batch.script(BrokerScripts.HAND_BACK, new byte[][] { bytes(key) },
					groupAndIds(list)));
			Map<String, List<Delivery>> byQueue = new LinkedHashMap<>();
			for (Delivery delivery : leased) {
				byQueue.computeIfAbsent(delivery.queue(), (queue) -> new ArrayList<>()).add(delivery);
			}
			byQueue.forEach((queue, list) -> this.waiting.admit(batch, queue, Instant.now(), list, Map.of()));
			this.groupPermits.release(batch, deliveries);
		});
	}

	static byte[][] groupAndIds(List<Delivery> deliveries) {
		byte[][] args = new byte[deliveries.size() + 1][];
		args[0] = GROUP;
		for (int i = 0; i < deliveries.size(); i++) {
			args[i + 1] = bytes(deliveries.get(i).deliveryId());
		}
		return args;
	}

}
