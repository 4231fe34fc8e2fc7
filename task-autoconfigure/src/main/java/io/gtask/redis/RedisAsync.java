package io.gtask.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * Runs commands on the shared native Lettuce connection of a {@link LettuceConnectionFactory}.
 * <p>
 * Commands are issued asynchronously, so the commands of one batch, and those of many threads,
 * are pipelined on one connection; callers wait for a whole batch at once. This is what keeps
 * the hot path to about one round trip per batch instead of one per command, which the
 * synchronous {@code RedisTemplate} API cannot do on a shared connection.
 */
public final class RedisAsync {

	private static final LettuceExceptionConverter EXCEPTION_CONVERTER = new LettuceExceptionConverter();

	private final LettuceConnectionFactory connectionFactory;

	private final Duration timeout;

	/**
	 * Create an instance.
	 * @param connectionFactory the connection factory
	 * @param timeout how long to wait for a batch of commands
	 */
	public RedisAsync(LettuceConnectionFactory connectionFactory, Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.timeout = timeout;
	}

	/**
	 * The connection factory.
	 * @return the factory
	 */
	public LettuceConnectionFactory getConnectionFactory() {
		return this.connectionFactory;
	}

	/**
	 * Run commands on the shared connection and wait for the stage the callback returns.
	 * @param <T> the result type
	 * @param callback issues the commands and returns the stage to wait for
	 * @return the result
	 * @throws DataAccessException if Redis failed or did not answer in time
	 */
	public <T> T execute(Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletionStage<T>> callback) {
		CompletionStage<T> stage;
		try {
			stage = issue(callback);
		}
		catch (RuntimeException ex) {
			throw translate(ex);
		}
		return await(stage);
	}

	private <T> CompletionStage<T> issue(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletionStage<T>> callback) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			@SuppressWarnings("unchecked")
			RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) connection
				.getNativeConnection();
			failFastWhenDisconnected(commands);
			return callback.apply(commands);
		}
	}


	/**
	 * Write a batch of commands to the shared connection with one flush and wait for all of
	 * them.
	 * @param filler adds the commands to the batch
	 * @throws DataAccessException if Redis failed or did not answer in time
	 */
	public void executeBatch(Consumer<RedisBatch> filler) {
		await(submitBatch(filler));
	}

	/**
	 * Write a batch of commands to the shared connection with one flush, without waiting.
	 * @param filler adds the commands to the batch
	 * @return a future completed when Redis answered all of them
	 */
	public CompletableFuture<Void> submitBatch(Consumer<RedisBatch> filler) {
		return submit((commands) -> {
			RedisBatch batch = new RedisBatch(commands);
			filler.accept(batch);
			if (batch.isEmpty()) {
				return CompletableFuture.completedFuture(null);
			}
			if (commands instanceof RedisAsyncCommands<byte[], byte[]> standalone) {
				standalone.getStatefulConnection().dispatch(batch.commands());
			}
			else if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
				cluster.getStatefulConnection().dispatch(batch.commands());
			}
			else {
				for (RedisCommand<byte[], byte[], ?> command : batch.commands()) {
					commands.dispatch(command.getType(), command.getOutput(), command.getArgs());
				}
			}
			return batch.all();
		});
	}

	/**
	 * Run commands on the shared connection without waiting: the returned stage completes when
	 * Redis answered, fails with a {@link DataAccessException} if it did not, and times out
	 * after the configured timeout. Dependent actions must not block: they may run on a Lettuce
	 * I/O thread.
	 * @param <T> the result type
	 * @param callback issues the commands and returns the stage to wait for
	 * @return the stage
	 */
	public <T> CompletableFuture<T> submit(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletionStage<T>> callback) {
		CompletionStage<T> stage;
		try {
			stage = issue(callback);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(translate(ex));
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		stage.toCompletableFuture()
			.orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((value, ex) -> {
				if (ex == null) {
					result.complete(value);
				}
				else {
					Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
					result.completeExceptionally((cause instanceof TimeoutException) ? new QueryTimeoutException(
							"Redis did not answer within " + this.timeout.toMillis() + " ms", cause) : translate(cause));
				}
			});
		return result;
	}

	/**
	 * Refuse at once to issue commands while the shared connection is reconnecting: Lettuce
	 * would otherwise hold them until Redis returns or the timeout passes, and a caller that
	 * sends a task wants to know now.
	 */
	private static void failFastWhenDisconnected(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		boolean open = true;
		if (commands instanceof RedisAsyncCommands<byte[], byte[]> standalone) {
			open = standalone.getStatefulConnection().isOpen();
		}
		else if (commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster) {
			open = cluster.getStatefulConnection().isOpen();
		}
		if (!open) {
			throw new RedisConnectionFailureException("Redis connection is down; reconnecting");
		}
	}

	/**
	 * Wait for a stage.
	 * @param <T> the result type
	 * @param stage the stage
	 * @return its result
	 * @throws DataAccessException if Redis failed or did not answer in time
	 */
	public <T> T await(CompletionStage<T> stage) {
		try {
			return stage.toCompletableFuture().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisSystemException("Interrupted while waiting for Redis", ex);
		}
		catch (TimeoutException ex) {
			throw new QueryTimeoutException("Redis did not answer within " + this.timeout.toMillis() + " ms", ex);
		}
		catch (ExecutionException ex) {
			throw translate(ex.getCause());
		}
	}

	/**
	 * A stage completed when all the given stages are.
	 * @param stages the stages
	 * @return the combined stage
	 */
	public static CompletionStage<Void> all(List<? extends CompletionStage<?>> stages) {
		CompletableFuture<?>[] futures = new CompletableFuture<?>[stages.size()];
		for (int i = 0; i < futures.length; i++) {
			futures[i] = stages.get(i).toCompletableFuture();
		}
		return CompletableFuture.allOf(futures);
	}

	/**
	 * Run a Lua script by its digest, loading it when Redis does not know it (after a restart,
	 * for example).
	 * @param <T> the result type
	 * @param commands the commands
	 * @param script the script
	 * @param type the output type
	 * @param keys the keys
	 * @param args the arguments
	 * @return the stage of the result
	 */
	public static <T> CompletionStage<T> script(RedisClusterAsyncCommands<byte[], byte[]> commands,
			DefaultRedisScript<?> script, ScriptOutputType type, byte[][] keys, byte[]... args) {
		CompletionStage<T> first = commands.evalsha(script.getSha1(), type, keys, args);
		return first.exceptionallyCompose((ex) -> {
			Throwable cause = (ex instanceof CompletionException) ? ex.getCause() : ex;
			if (cause instanceof RedisNoScriptException) {
				return commands.eval(script.getScriptAsString().getBytes(StandardCharsets.UTF_8), type, keys, args);
			}
			return CompletableFuture.failedStage(cause);
		});
	}

	/**
	 * Translate a Lettuce exception to Spring's hierarchy.
	 * @param ex the exception
	 * @return the translated exception
	 */
	public static DataAccessException translate(Throwable ex) {
		if (ex instanceof CompletionException && ex.getCause() != null) {
			ex = ex.getCause();
		}
		if (ex instanceof DataAccessException dae) {
			return dae;
		}
		if (ex instanceof Exception exception) {
			DataAccessException translated = EXCEPTION_CONVERTER.convert(exception);
			if (translated != null) {
				return translated;
			}
		}
		return new RedisSystemException("Redis command failed: " + ex.getMessage(), ex);
	}

	/**
	 * Encode a string as UTF-8.
	 * @param value the string
	 * @return the bytes
	 */
	public static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Decode UTF-8 bytes.
	 * @param value the bytes
	 * @return the string
	 */
	public static String string(byte[] value) {
		return new String(value, StandardCharsets.UTF_8);
	}

}
