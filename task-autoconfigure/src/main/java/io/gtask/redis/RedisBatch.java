package io.gtask.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.output.ValueOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * Commands collected to be written to Redis together, with one flush, instead of one flush per
 * command as Lettuce's asynchronous API does on a shared connection.
 * <p>
 * Each method returns the future of one command; {@link RedisAsync#executeBatch(java.util.function.Consumer)}
 * writes the batch and waits for all of them.
 */
public final class RedisBatch {

	private static final ByteArrayCodec CODEC = ByteArrayCodec.INSTANCE;

	private static final byte[] STAR = RedisAsync.bytes("*");

	private final RedisClusterAsyncCommands<byte[], byte[]> commands;

	private final List<RedisCommand<byte[], byte[], ?>> pending = new ArrayList<>();

	private final List<CompletableFuture<?>> futures = new ArrayList<>();

	RedisBatch(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		this.commands = commands;
	}

	/**
	 * Run a script by its digest that returns an integer; a script Redis does not know (after a
	 * restart) is sent again in full.
	 * @param script the script
	 * @param keys the keys
	 * @param args the arguments
	 * @return the future result
	 */
	public CompletableFuture<Long> script(DefaultRedisScript<?> script, byte[][] keys, byte[]... args) {
		CommandArgs<byte[], byte[]> commandArgs = new CommandArgs<>(CODEC).add(script.getSha1())
			.add(keys.length)
			.addKeys(keys)
			.addValues(args);
		CompletableFuture<Long> first = add(CommandType.EVALSHA, new IntegerOutput<>(CODEC), commandArgs);
		CompletableFuture<Long> result = first.exceptionallyCompose((ex) -> {
			Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof RedisNoScriptException) {
				return this.commands.<Long>eval(RedisAsync.bytes(script.getScriptAsString()), ScriptOutputType.INTEGER,
						keys, args).toCompletableFuture();
			}
			return CompletableFuture.failedFuture(cause);
		});
		this.futures.set(this.futures.size() - 1, result);
		return result;
	}

	/**
	 * Run a script by its digest that returns a string or nothing; a script Redis does not know
	 * is sent again in full.
	 * @param script the script
	 * @param keys the keys
	 * @param args the arguments
	 * @return the future result, completed with {@code null} for a nil reply
	 */
	public CompletableFuture<byte @Nullable []> scriptValue(DefaultRedisScript<?> script, byte[][] keys,
			byte[]... args) {
		CommandArgs<byte[], byte[]> commandArgs = new CommandArgs<>(CODEC).add(script.getSha1())
			.add(keys.length)
			.addKeys(keys)
			.addValues(args);
		CompletableFuture<byte[]> first = add(CommandType.EVALSHA, new ValueOutput<>(CODEC), commandArgs);
		CompletableFuture<byte[]> result = first.exceptionallyCompose((ex) -> {
			Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof RedisNoScriptException) {
				return this.commands.<byte[]>eval(RedisAsync.bytes(script.getScriptAsString()), ScriptOutputType.VALUE,
						keys, args).toCompletableFuture();
			}
			return CompletableFuture.failedFuture(cause);
		});
		this.futures.set(this.futures.size() - 1, result);
		return result;
	}

	/**
	 * Add an entry with one field to a stream.
	 * @param key the stream
	 * @param field the field
	 * @param value the value
	 * @return the future entry id
	 */
	public CompletableFuture<String> xadd(byte[] key, byte[] field, byte[] value) {
		return add(CommandType.XADD, new StatusOutput<>(CODEC),
				new CommandArgs<>(CODEC).addKey(key).add(STAR).addValue(field).addValue(value));
	}

	/**
	 * Add an entry to a stream kept to about a length, older entries trimmed
	 * ({@code XADD key MAXLEN ~ n * field value ...}).
	 * @param key the stream
	 * @param maxLength about how many entries the stream keeps
	 * @param fieldsAndValues the fields, each followed by its value
	 * @return the future entry id
	 */
	public CompletableFuture<String> xaddCapped(byte[] key, long maxLength, List<byte[]> fieldsAndValues) {
		CommandArgs<byte[], byte[]> args = new CommandArgs<>(CODEC).addKey(key)
			.add("MAXLEN")
			.add("~")
			.add(maxLength)
			.add(STAR);
		for (byte[] part : fieldsAndValues) {
			args.addValue(part);
		}
		return add(CommandType.XADD, new StatusOutput<>(CODEC), args);
	}

	/**
	 * Add a member to a sorted set.
	 * @param key the sorted set
	 * @param score the score
	 * @param member the member
	 * @return the future number of members added
	 */
	public CompletableFuture<Long> zadd(byte[] key, double score, byte[] member) {
		return add(CommandType.ZADD, new IntegerOutput<>(CODEC),
				new CommandArgs<>(CODEC).addKey(key).add(score).addValue(member));
	}

	/**
	 * Set fields of a hash.
	 * @param key the hash
	 * @param fieldsAndValues field and value pairs
	 * @return the future number of fields added
	 */
	public CompletableFuture<Long> hset(byte[] key, List<byte[]> fieldsAndValues) {
		CommandArgs<byte[], byte[]> args = new CommandArgs<>(CODEC).addKey(key);
		for (byte[] item : fieldsAndValues) {
			args.add(item);
		}
		return add(CommandType.HSET, new IntegerOutput<>(CODEC), args);
	}

	/**
	 * Delete fields of a hash.
	 * @param key the hash
	 * @param fields the fields
	 * @return the future number of fields deleted
	 */
	public CompletableFuture<Long> hdel(byte[] key, byte[]... fields) {
		CommandArgs<byte[], byte[]> args = new CommandArgs<>(CODEC).addKey(key);
		for (byte[] field : fields) {
			args.add(field);
		}
		return add(CommandType.HDEL, new IntegerOutput<>(CODEC), args);
	}

	/**
	 * Read a field of a hash.
	 * @param key the hash
	 * @param field the field
	 * @return the future value, completed with {@code null} when there is none
	 */
	public CompletableFuture<byte @Nullable []> hget(byte[] key, byte[] field) {
		return add(CommandType.HGET, new ValueOutput<>(CODEC), new CommandArgs<>(CODEC).addKey(key).add(field));
	}

	/**
	 * Read fields of a hash.
	 * @param key the hash
	 * @param fields the fields
	 * @return the future values, in the order of the fields, {@code null} for a field not there
	 */
	public CompletableFuture<List<byte @Nullable []>> hmget(byte[] key, byte[]... fields) {
		CommandArgs<byte[], byte[]> args = new CommandArgs<>(CODEC).addKey(key);
		for (byte[] field : fields) {
			args.add(field);
		}
		return add(CommandType.HMGET, new ValueListOutput<>(CODEC), args);
	}

	/**
	 * Set a key's time to live.
	 * @param key the key
	 * @param millis the time to live in milliseconds
	 * @return the future reply, 1 when the key exists
	 */
	public CompletableFuture<Long> pexpire(byte[] key, long millis) {
		return add(CommandType.PEXPIRE, new IntegerOutput<>(CODEC), new CommandArgs<>(CODEC).addKey(key).add(millis));
	}

	/**
	 * Remove a key's time to live.
	 * @param key the key
	 * @return the future reply, 1 when a time to live was removed
	 */
	public CompletableFuture<Long> persist(byte[] key) {
		return add(CommandType.PERSIST, new IntegerOutput<>(CODEC), new CommandArgs<>(CODEC).addKey(key));
	}

	/**
	 * Publish a message.
	 * @param channel the channel
	 * @param message the message
	 * @return the future number of receivers
	 */
	public CompletableFuture<Long> publish(byte[] channel, byte[] message) {
		return add(CommandType.PUBLISH, new IntegerOutput<>(CODEC),
				new CommandArgs<>(CODEC).add(channel).addValue(message));
	}

	private <T> CompletableFuture<T> add(CommandType type, CommandOutput<byte[], byte[], T> output,
			CommandArgs<byte[], byte[]> args) {
		AsyncCommand<byte[], byte[], T> command = new AsyncCommand<>(new Command<>(type, output, args));
		this.pending.add(command);
		this.futures.add(command);
		return command;
	}

	List<RedisCommand<byte[], byte[], ?>> commands() {
		return this.pending;
	}

	CompletableFuture<Void> all() {
		return CompletableFuture.allOf(this.futures.toArray(new CompletableFuture<?>[0]));
	}

	boolean isEmpty() {
		return this.pending.isEmpty();
	}

}
