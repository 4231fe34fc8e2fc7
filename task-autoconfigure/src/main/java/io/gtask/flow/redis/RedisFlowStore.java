package io.gtask.flow.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gtask.flow.FlowStateException;
import io.gtask.flow.FlowStore;
import io.gtask.redis.LuaScripts;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.script.DefaultRedisScript;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * Keeps each flow in one Redis hash, {@code <prefix>:flow:{<id>}}, so that every change to a flow
 * is one script on one hash slot, also on Redis Cluster. Fields: {@code state}, {@code name},
 * {@code queue}, {@code created}, {@code finished} and {@code outcome}; {@code d:<node>} the
 * nodes; {@code s:<node>} the steps sent; {@code o:<node>} how a node in a chain ended;
 * {@code l:<group>} the members of a group left and {@code m:<group>:<place>} how each ended.
 */
public final class RedisFlowStore implements FlowStore {

	static final DefaultRedisScript<List<Object>> CREATE = load("create.lua");

	static final DefaultRedisScript<List<Object>> BEGIN = load("begin.lua");

	static final DefaultRedisScript<List<Object>> RECORD = load("record.lua");

	static final DefaultRedisScript<List<Object>> MEMBER = load("member.lua");

	static final DefaultRedisScript<List<Object>> FINISH = load("finish.lua");

	private static final String RUNNING = "RUNNING";

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	/**
	 * Create a store.
	 * @param redis runs the commands
	 * @param keys the keyspace
	 */
	public RedisFlowStore(RedisAsync redis, RedisKeyspace keys) {
		this.redis = redis;
		this.keys = keys;
	}

	@SuppressWarnings("unchecked")
	private static DefaultRedisScript<List<Object>> load(String name) {
		return LuaScripts.load(RedisFlowStore.class, name, (Class<List<Object>>) (Class<?>) List.class);
	}

	@Override
	public boolean create(String flowId, String name, String queue, List<String> nodes, Map<Integer, Integer> groups,
			Instant createdAt, Duration timeToLive) {
		List<byte[]> args = new ArrayList<>(8 + 2 * (nodes.size() + groups.size()));
		args.add(bytes(Long.toString(timeToLive.toMillis())));
		add(args, "state", RUNNING);
		add(args, "name", name);
		add(args, "queue", queue);
		add(args, "created", Long.toString(createdAt.toEpochMilli()));
		for (int i = 0; i < nodes.size(); i++) {
			add(args, "d:" + i, nodes.get(i));
		}
		groups.forEach((group, size) -> add(args, "l:" + group, Integer.toString(size)));
		List<Object> created = run(CREATE, flowId, args.toArray(new byte[0][]));
		return created != null && !created.isEmpty() && Long.valueOf(1L).equals(created.get(0));
	}

	private static Instant millis(String text) {
		try {
			return Instant.ofEpochMilli(Long.parseLong(text));
		}
		catch (NumberFormatException | java.time.DateTimeException ex) {
			return Instant.EPOCH;
		}
	}

	private static void add(List<byte[]> args, String field, String value) {
		args.add(bytes(field));
		args.add(bytes(value));
	}

	@Override
	public List<@Nullable String> nodes(String flowId, List<Integer> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		byte[][] fields = new byte[ids.size()][];
		for (int i = 0; i < ids.size(); i++) {
			fields[i] = bytes("d:" + ids.get(i));
		}
		byte[] key = key(flowId);
		List<io.lettuce.core.KeyValue<byte[], byte[]>> values;
		try {
			values = this.redis.execute((commands) -> commands.hmget(key, fields));
		}
		catch (RuntimeException ex) {
			throw translated(flowId, ex);
		}
		List<@Nullable String> nodes = new ArrayList<>(ids.size());
		for (io.lettuce.core.KeyValue<byte[], byte[]> value : values) {
			nodes.add(value.hasValue() ? string(value.getValue()) : null);
		}
		return nodes;
	}

	@Override
	public @Nullable List<Boolean> begin(String flowId, List<Integer> ids) {
		byte[][] args = new byte[ids.size()][];
		for (int i = 0; i < ids.size(); i++) {
			args[i] = bytes(Integer.toString(ids.get(i)));
		}
		List<Object> marked = run(BEGIN, flowId, args);
		if (marked == null || marked.isEmpty() || marked.get(0) == null) {
			return null;
		}
		List<Boolean> first = new ArrayList<>(marked.size());
		for (Object value : marked) {
			first.add(Long.valueOf(1L).equals(value));
		}
		return first;
	}

	@Override
	public boolean isRunning(String flowId) {
		byte[] key = key(flowId);
		byte[] state;
		try {
			state = this.redis.execute((commands) -> commands.hget(key, bytes("state")));
		}
		catch (RuntimeException ex) {
			throw translated(flowId, ex);
		}
		return state != null && RUNNING.equals(string(state));
	}

	@Override
	public @Nullable String record(String flowId, int node, String outcome) {
		List<Object> reply = run(RECORD, flowId, bytes(Integer.toString(node)), bytes(outcome));
		return (reply != null && !reply.isEmpty() && reply.get(0) instanceof byte[] value) ? string(value) : null;
	}

	@Override
	public @Nullable MemberCount member(String flowId, int group, int position, int size, String outcome) {
		List<Object> reply = run(MEMBER, flowId, bytes(Integer.toString(group)), bytes(Integer.toString(position)),
				bytes(Integer.toString(size)), bytes(outcome));
		if (reply == null || reply.isEmpty() || !(reply.get(0) instanceof Long left)) {
			return null;
		}
		if (left > 0) {
			return new MemberCount(left, List.of());
		}
		List<@Nullable String> outcomes = new ArrayList<>(reply.size() - 1);
		for (int i = 1; i < reply.size(); i++) {
			outcomes.add((reply.get(i) instanceof byte[] value) ? string(value) : null);
		}
		return new MemberCount(0, outcomes);
	}

	@Override
	public @Nullable Ended finish(String flowId, String status, String outcome, Instant finishedAt,
			Duration timeToLive) {
		List<Object> reply = run(FINISH, flowId, bytes(status), bytes(outcome),
				bytes(Long.toString(finishedAt.toEpochMilli())), bytes(Long.toString(timeToLive.toMillis())));
		if (reply == null || reply.size() != 4) {
			return null;
		}
		return new Ended((reply.get(0) instanceof byte[] name) ? string(name) : "",
				(reply.get(1) instanceof byte[] queue) ? string(queue) : "", Long.valueOf(1L).equals(reply.get(2)),
				millis((reply.get(3) instanceof byte[] created) ? string(created) : "0"));
	}

	@Override
	public Map<String, String> read(String flowId) {
		byte[] key = key(flowId);
		Map<byte[], byte[]> fields;
		try {
			fields = this.redis.execute((commands) -> commands.hgetall(key));
		}
		catch (RuntimeException ex) {
			throw translated(flowId, ex);
		}
		if (fields == null || fields.isEmpty()) {
			return Collections.emptyMap();
		}
		Map<String, String> read = new LinkedHashMap<>();
		fields.forEach((field, value) -> read.put(string(field), string(value)));
		return read;
	}

	private @Nullable List<Object> run(DefaultRedisScript<List<Object>> script, String flowId, byte[]... args) {
		try {
			return this.redis.execute((commands) -> RedisAsync.<@Nullable List<Object>>script(commands, script,
					ScriptOutputType.MULTI, new byte[][] { key(flowId) }, args));
		}
		catch (RuntimeException ex) {
			throw translated(flowId, ex);
		}
	}

	/**
	 * A refusal of what the flow's key holds (a key of another type, a counter that is not a
	 * number) as a {@link FlowStateException}; anything else, such as Redis being away, as it is.
	 */
	private RuntimeException translated(String flowId, RuntimeException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			String message = String.valueOf(cause.getMessage());
			if (message.contains("WRONGTYPE")) {
				return new FlowStateException("The key " + this.keys.flow(flowId) + " of flow " + flowId
						+ " is not a hash", ex);
			}
			int at = message.indexOf("gtask flow state: ");
			if (at >= 0) {
				return new FlowStateException("Flow " + flowId + " is not valid: "
						+ message.substring(at + "gtask flow state: ".length()), ex);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return ex;
	}

	private byte[] key(String flowId) {
		return bytes(this.keys.flow(flowId));
	}

}
