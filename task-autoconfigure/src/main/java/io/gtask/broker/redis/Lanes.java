package io.gtask.broker.redis;

import java.util.Arrays;

import io.gtask.broker.Delivery;
import io.gtask.redis.RedisKeyspace;

import static io.gtask.redis.RedisAsync.bytes;

/**
 * The priority lanes of a queue and the tags that members of its delayed set and waiting lists
 * carry, written and read the same way as the {@code split}, {@code tag} and {@code counted}
 * functions of the scripts ({@code lib/split.lua}).
 */
final class Lanes {

	private Lanes() {
	}

	/**
	 * The lane keys of a queue, lowest first.
	 */
	static byte[][] keys(RedisKeyspace keys, String queue) {
		byte[][] lanes = new byte[RedisKeyspace.LANES][];
		for (int i = 0; i < lanes.length; i++) {
			lanes[i] = bytes(keys.lane(queue, i));
		}
		return lanes;
	}

	/**
	 * The key of the lane a delivery was fetched from.
	 */
	static String key(RedisKeyspace keys, Delivery delivery) {
		return keys.lane(delivery.queue(), delivery.priority());
	}

	/**
	 * The identity of a delivery across the lanes of its queue, which share entry ids: the
	 * member of concurrency leases and rate windows, and the id of its dead letter. The
	 * scripts build it the same way.
	 */
	static String identity(Delivery delivery) {
		return delivery.priority() + "-" + delivery.deliveryId();
	}

	/**
	 * A message tagged with the lane it joins, as a member of the delayed set or of a waiting
	 * list.
	 */
	static byte[] tagged(int lane, byte[] payload) {
		return (lane == 0) ? payload : prefixed(lane + "|", payload);
	}

	/**
	 * A message with the count of its earlier deliveries.
	 */
	static byte[] counted(long deliveries, byte[] payload) {
		return (deliveries <= 0) ? payload : prefixed("d" + deliveries + "|", payload);
	}

	/**
	 * A message of a group as a member of the delayed set: {@code g<length>:<group>|} before
	 * it, read by {@code groupOf} of {@code lib/group.lua}.
	 */
	static byte[] grouped(String group, byte[] payload) {
		byte[] name = bytes(group);
		return prefixed("g" + name.length + ":" + group + "|", payload);
	}

	/**
	 * The length of the group tag of a member of the delayed set, 0 when it has none.
	 */
	private static int groupTagLength(byte[] member) {
		if (member.length < 4 || member[0] != 'g') {
			return 0;
		}
		int i = 1;
		long length = 0;
		while (i < member.length && i < 12 && member[i] >= '0' && member[i] <= '9') {
			length = length * 10 + (member[i] - '0');
			i++;
		}
		if (i == 1 || i >= member.length || member[i] != ':' || length <= 0) {
			return 0;
		}
		long bar = i + 1 + length;
		return (bar < member.length && member[(int) bar] == '|') ? (int) bar + 1 : 0;
	}

	/**
	 * The lane a member of the delayed set is tagged with.
	 */
	static int laneTag(byte[] member) {
		if (groupTagLength(member) > 0) {
			return 0;
		}
		if (member.length < 2 || member[0] == '{') {
			return 0;
		}
		int bar = (member[1] == '|') ? 1 : (member.length > 2 && member[2] == '|') ? 2 : -1;
		if (bar < 0) {
			return 0;
		}
		int lane = 0;
		for (int i = 0; i < bar; i++) {
			if (member[i] < '0' || member[i] > '9') {
				return 0;
			}
			lane = lane * 10 + (member[i] - '0');
		}
		return (lane < RedisKeyspace.LANES) ? lane : 0;
	}

	/**
	 * The message of a member of the delayed set, without its lane tag.
	 */
	static byte[] untagged(byte[] member) {
		int group = groupTagLength(member);
		if (group > 0) {
			return Arrays.copyOfRange(member, group, member.length);
		}
		int lane = laneTag(member);
		return (lane == 0) ? member : Arrays.copyOfRange(member, (lane < 10) ? 2 : 3, member.length);
	}

	static byte[] number(long value) {
		return bytes(Long.toString(value));
	}

	private static byte[] prefixed(String tag, byte[] payload) {
		byte[] prefix = bytes(tag);
		byte[] member = Arrays.copyOf(prefix, prefix.length + payload.length);
		System.arraycopy(payload, 0, member, prefix.length, payload.length);
		return member;
	}

}
