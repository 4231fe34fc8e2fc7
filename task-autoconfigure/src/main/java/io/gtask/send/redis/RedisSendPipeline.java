package io.gtask.send.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.gtask.backend.NewTask;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.redis.RedisResultBackend;
import io.gtask.broker.OutgoingTask;
import io.gtask.broker.TaskBroker;
import io.gtask.broker.redis.RedisTaskBroker;
import io.gtask.redis.RedisAsync;
import io.gtask.send.SendPipeline;
import io.lettuce.core.RedisCommandExecutionException;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * Writes the records of new tasks and their messages in one round trip, when the Redis result
 * backend and the Redis broker share one connection that is not a cluster's: {@code HSET} and
 * {@code PEXPIRE} of each task's hash, then the {@code XADD} (or {@code ZADD} for a countdown)
 * of its message, in one flush, with no reply waited for in between. Redis runs the commands of
 * one connection in order, so a worker can fetch a message only after its record exists.
 * <p>
 * In a Redis Cluster the task's hash and its queue live on different nodes, where the order of
 * commands across connections is not kept, so sends there take the checked path.
 */
public final class RedisSendPipeline implements SendPipeline {

	private final RedisAsync redis;

	private final RedisResultBackend backend;

	private final RedisTaskBroker broker;

	private RedisSendPipeline(RedisResultBackend backend, RedisTaskBroker broker) {
		this.redis = broker.getRedis();
		this.backend = backend;
		this.broker = broker;
	}

	/**
	 * A pipeline for a backend and a broker, if both are gtask's Redis implementations on the
	 * same connection factory and it is not a cluster's.
	 * @param backend the result backend
	 * @param broker the broker
	 * @return the pipeline, or {@code null} when sends must take the checked path
	 */
	public static @Nullable RedisSendPipeline of(ResultBackend backend, TaskBroker broker) {
		if (backend instanceof RedisResultBackend redisBackend && broker instanceof RedisTaskBroker redisBroker
				&& redisBackend.getRedis().getConnectionFactory() == redisBroker.getRedis().getConnectionFactory()
				&& !redisBroker.getRedis().getConnectionFactory().isClusterAware()) {
			return new RedisSendPipeline(redisBackend, redisBroker);
		}
		return null;
	}

	@Override
	public CompletableFuture<List<Written>> write(List<NewTask> records, List<OutgoingTask> messages) {
		Assert.isTrue(records.size() == messages.size(), "One record per message");
		List<CompletableFuture<?>> recorded = new ArrayList<>(records.size());
		List<CompletableFuture<?>> queued = new ArrayList<>(messages.size());
		CompletableFuture<Void> all = this.redis.submitBatch((batch) -> {
			for (int i = 0; i < records.size(); i++) {
				recorded.add(this.backend.recordNew(batch, records.get(i)));
				queued.add(this.broker.enqueueInBatch(batch, messages.get(i)));
			}
		});
		return all.handle((ignored, ex) -> answers(messages.size(), recorded, queued, ex))
			.thenCompose((written) -> written.stream().anyMatch((answer) -> answer.queueRefused() != null)
					// naming keys of the wrong type takes commands, which must not run on a Redis thread
					? CompletableFuture.supplyAsync(() -> explained(messages, written))
					: CompletableFuture.completedFuture(written));
	}

	/**
	 * What Redis answered to each task. An error reply means the command did nothing; anything
	 * else that is not an answer (commands never written, no reply in time, a lost connection)
	 * fails the whole write with that failure.
	 */
	private static List<Written> answers(int expected, List<CompletableFuture<?>> recorded,
			List<CompletableFuture<?>> queued, @Nullable Throwable failure) {
		if (queued.size() < expected) {
			throw failed(failure);
		}
		List<Written> written = new ArrayList<>(queued.size());
		for (int i = 0; i < queued.size(); i++) {
			Throwable queueRefused = refusal(queued.get(i));
			Throwable recordRefused = refusal(recorded.get(i));
			if ((queueRefused == null && !answered(queued.get(i)))
					|| (recordRefused == null && !answered(recorded.get(i)))) {
				throw failed(failure);
			}
			written.add(new Written(recordRefused, queueRefused));
		}
		return written;
	}

	private static boolean answered(CompletableFuture<?> command) {
		return command.isDone() && !command.isCompletedExceptionally();
	}

	/**
	 * The error reply to a command, or {@code null} if it was not refused by Redis.
	 */
	private static @Nullable Throwable refusal(CompletableFuture<?> command) {
		if (!command.isCompletedExceptionally()) {
			return null;
		}
		Throwable ex = command.handle((value, failure) -> failure).join();
		while (ex instanceof CompletionException && ex.getCause() != null) {
			ex = ex.getCause();
		}
		return (ex instanceof RedisCommandExecutionException) ? ex : null;
	}

	private static CompletionException failed(@Nullable Throwable failure) {
		if (failure instanceof CompletionException completion) {
			return completion;
		}
		return new CompletionException((failure != null) ? failure
				: new IllegalStateException("Redis did not answer every command"));
	}

	private List<Written> explained(List<OutgoingTask> messages, List<Written> written) {
		List<OutgoingTask> refused = new ArrayList<>();
		Throwable first = null;
		for (int i = 0; i < written.size(); i++) {
			if (written.get(i).queueRefused() != null) {
				refused.add(messages.get(i));
				first = (first != null) ? first : written.get(i).queueRefused();
			}
		}
		if (first == null) {
			return written;
		}
		Throwable explained = this.broker.explainRefusal(refused, RedisAsync.translate(first));
		List<Written> result = new ArrayList<>(written.size());
		for (Written answer : written) {
			result.add((answer.queueRefused() != null) ? new Written(answer.recordRefused(), explained) : answer);
		}
		return result;
	}

}
