package io.gtask.broker.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gtask.broker.Delivery;
import io.gtask.redis.RedisBatch;
import io.gtask.redis.RedisKeyspace;

import static io.gtask.redis.RedisAsync.bytes;

/**
 * The concurrency permits of task groups that deliveries hold while in flight: taken by the
 * fetch script when it admits a task of a group, renewed with the claims, released when the
 * delivery is settled, handed back or set aside. Without a concurrency limit of groups, there
 * are none and this does nothing.
 */
final class GroupPermits {

	private final RedisKeyspace keys;

	private final boolean limited;

	GroupPermits(RedisBrokerContext context) {
		this.keys = context.keys();
		this.limited = context.getSettings().groupLimit().concurrency() > 0;
	}

	/**
	 * Whether groups have a concurrency limit, so that deliveries hold permits.
	 */
	boolean isLimited() {
		return this.limited;
	}

	/**
	 * Add to a batch the release of the permits the deliveries hold.
	 */
	void release(RedisBatch batch, List<Delivery> deliveries) {
		byQueue(deliveries).forEach((queue, list) -> {
			List<byte[]> args = new ArrayList<>(1 + list.size() * 2);
			args.add(bytes(this.keys.queuePrefix(queue)));
			for (Delivery delivery : list) {
				args.add(bytes(delivery.group()));
				args.add(bytes(Lanes.identity(delivery)));
			}
			batch.script(BrokerScripts.RELEASE_GROUPS, new byte[][] { bytes(this.keys.groupsWake(queue)) },
					args.toArray(new byte[0][]));
		});
	}

	/**
	 * The permits the deliveries of a queue hold, as arguments of {@code renew-leases.lua}:
	 * the key of the permits (after the queue prefix) and the identity of each.
	 */
	void addRenewals(List<byte[]> args, List<Delivery> deliveries) {
		if (!this.limited) {
			return;
		}
		for (Delivery delivery : deliveries) {
			if (delivery.group() != null) {
				args.add(bytes("group-leases:" + delivery.group()));
				args.add(bytes(Lanes.identity(delivery)));
			}
		}
	}

	private Map<String, List<Delivery>> byQueue(List<Delivery> deliveries) {
		Map<String, List<Delivery>> byQueue = new LinkedHashMap<>();
		if (this.limited) {
			for (Delivery delivery : deliveries) {
				if (delivery.group() != null) {
					byQueue.computeIfAbsent(delivery.queue(), (queue) -> new ArrayList<>()).add(delivery);
				}
			}
		}
		return byQueue;
	}

}
