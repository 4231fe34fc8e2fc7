package io.gtask.broker.redis;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.gtask.core.DeadLetter;
import org.jspecify.annotations.Nullable;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * The hash that keeps one dead letter: written by the broker when it settles a delivery, and by
 * the {@code bury} function of the scripts; read by the dead letter store. Its fields come from
 * Redis and are read leniently: a field that is missing or not a number reads as absent or 0.
 */
final class DeadLetterHash {

	private DeadLetterHash() {
	}

	/**
	 * Add the fields of a dead letter, name then value, for the dead letter script.
	 */
	static void addFields(List<byte[]> args, DeadLetter deadLetter) {
		field(args, "reason", deadLetter.reason());
		field(args, "taskId", deadLetter.taskId());
		field(args, "name", deadLetter.name());
		field(args, "errorType", deadLetter.errorType());
		field(args, "attempts", Integer.toString(deadLetter.attempts()));
		field(args, "deliveries", Long.toString(deadLetter.deliveries()));
		field(args, "deadAt", Long.toString(deadLetter.deadAt().toEpochMilli()));
		args.add(bytes("payload"));
		args.add(deadLetter.payload());
	}

	/**
	 * The dead letter a hash holds, or {@code null} when there is none.
	 */
	static @Nullable DeadLetter read(String queue, String id, @Nullable Map<byte[], byte[]> hash) {
		if (hash == null || hash.isEmpty()) {
			return null;
		}
		Map<String, byte[]> fields = new HashMap<>();
		hash.forEach((field, value) -> fields.put(string(field), value));
		return new DeadLetter(id, queue, text(fields, "taskId"), text(fields, "name"),
				String.valueOf(text(fields, "reason")), text(fields, "errorType"), (int) number(fields, "attempts"),
				number(fields, "deliveries"), Instant.ofEpochMilli(number(fields, "deadAt")),
				fields.getOrDefault("payload", new byte[0]));
	}

	private static void field(List<byte[]> args, String name, @Nullable String value) {
		if (value != null) {
			args.add(bytes(name));
			args.add(bytes(value));
		}
	}

	private static @Nullable String text(Map<String, byte[]> fields, String name) {
		byte[] value = fields.get(name);
		return (value != null) ? string(value) : null;
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

}
