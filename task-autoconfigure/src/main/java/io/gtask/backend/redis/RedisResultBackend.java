package io.gtask.backend.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.gtask.backend.NewTask;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.TaskHistory;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRevokedException;
import io.gtask.core.TaskStatus;
import io.gtask.lifecycle.AbstractSmartLifecycle;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisBatch;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScriptOutputType;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.Assert;

import static io.gtask.redis.RedisAsync.bytes;

/**
 * A {@link ResultBackend} that keeps each task in a Redis hash with a time to live.
 * <p>
 * The start and end of an attempt, the writes nearly every task makes, are plain commands
 * written in one flush per batch ({@link RedisTaskStateWriter}); the rarer changes are a
 * script each. A finished task keeps its fields and no history text, as long as the fields tell
 * its history ({@link RedisTaskFields}). The time to live counts
 * from the task's end: a write that finishes a task sets it, and a write that leaves it
 * unfinished removes it, so that a task is never forgotten while a worker has it. A task just
 * sent is kept for its countdown plus the time to live, so that a task waiting for a long
 * countdown is not forgotten before it runs ({@code revoke}, {@code cancel} and {@code await}
 * would call it unknown), while the record of a send that failed before its message was queued
 * still goes away by itself. A task that waits in its queue, unstarted, for longer than the time
 * to live after it was due loses its state until a worker starts it.
 * <p>
 * A caller that waits for a task adds its backend's own notification channel to the task's
 * {@code waiters} field, in the same script that reads the task; the write that finishes the
 * task publishes its state on each of those channels. A backend subscribes once to its own
 * channel, so waiting costs one round trip, no subscription per task, and no notification is
 * sent for a task nobody waits for. A slow poll covers notifications lost on a reconnect. The
 * waiting callers are kept by {@link RedisCompletionWaiters}.
 */
public class RedisResultBackend extends AbstractSmartLifecycle implements ResultBackend, DisposableBean {

	private static final byte[] ZERO = bytes("0");

	private static final byte[] PENDING = bytes(TaskStatus.PENDING.name());

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final Duration timeToLive;

	private final byte[] ttlMillis;

	private final RedisTaskReader reader;

	private final RedisCompletionWaiters waiters;

	private int maxHistory = TaskHistory.DEFAULT_MAX_HISTORY;

	private byte[] maxHistoryArg = bytes(Integer.toString(TaskHistory.DEFAULT_MAX_HISTORY));

	private RedisTaskStateWriter writer;

	/**
	 * Create a backend.
	 * @param redis the connection
	 * @param keys the keyspace
	 * @param timeToLive how long a task is kept after it ends (an unfinished task is kept until it ends)
	 * @param pollInterval how often waiting callers check the state in case a notification was
	 * lost
	 */
	public RedisResultBackend(RedisAsync redis, RedisKeyspace keys, Duration timeToLive, Duration pollInterval) {
		// stops after the consumer container, before the connection factory
		super(STORE_PHASE);
		this.redis = redis;
		this.keys = keys;
		this.timeToLive = timeToLive;
		this.ttlMillis = bytes(Long.toString(timeToLive.toMillis()));
		this.reader = new RedisTaskReader(redis, keys);
		this.waiters = new RedisCompletionWaiters(redis, keys, this.reader, pollInterval);
		this.writer = new RedisTaskStateWriter(redis, keys, timeToLive, this.maxHistory);
	}

	/**
	 * How long a task is kept after its last change.
	 * @return the time to live
	 */
	public Duration getTimeToLive() {
		return this.timeToLive;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * This backend is on the broker's Redis.
	 */
	@Override
	public boolean sharesStoreWithBroker() {
		return true;
	}

	/**
	 * Set how many of a task's latest events its history keeps, {@code 0} for none. The
	 * history is one field of the task's hash, appended and cut by the script of each write.
	 * @param maxHistory the number of events
	 */
	public void setMaxHistory(int maxHistory) {
		Assert.isTrue(maxHistory >= 0, "Max history must not be negative");
		this.maxHistory = maxHistory;
		this.maxHistoryArg = bytes(Integer.toString(maxHistory));
		this.reader.setMaxHistory(maxHistory);
		this.writer = new RedisTaskStateWriter(this.redis, this.keys, this.timeToLive, maxHistory);
	}

	/**
	 * How many of a task's latest events its history keeps.
	 * @return the number of events
	 */
	public int getMaxHistory() {
		return this.maxHistory;
	}

	@Override
	public CompletableFuture<List<String>> create(List<NewTask> tasks) {
		if (tasks.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		List<CompletableFuture<Long>> created = new ArrayList<>(tasks.size());
		CompletableFuture<Void> all = this.redis.submitBatch((batch) -> {
			for (NewTask task : tasks) {
				created.add(batch.script(RedisTaskScripts.CREATE, new byte[][] { bytes(this.keys.task(task.id())) }, createArgs(task)));
			}
		});
		return all.thenApply((ignored) -> {
			List<String> refused = new ArrayList<>();
			for (int i = 0; i < tasks.size(); i++) {
				if (tasks.get(i).exclusive() && created.get(i).join() == 0L) {
					refused.add(tasks.get(i).id());
				}
			}
			return refused;
		});
	}

	/**
	 * Add to a batch the commands that record a new task whose id was generated for this send,
	 * so that no key can hold it yet: {@code HSET} and {@code PEXPIRE}, without the check that
	 * the id is unknown which {@link #create(List)} makes. On a connection that keeps the order
	 * of commands, commands added to the batch after these see the record.
	 * @param batch the batch
	 * @param task the task
	 * @return a future completed when Redis answered both commands, failed if it refused one
	 */
	public CompletableFuture<Void> recordNew(RedisBatch batch, NewTask task) {
		byte[] key = bytes(this.keys.task(task.id()));
		List<byte[]> fields = new ArrayList<>(12);
		addFields(fields, task);
		CompletableFuture<Long> written = batch.hset(key, fields);
		CompletableFuture<Long> expiring = batch.pexpire(key, createdTimeToLive(task));
		return CompletableFuture.allOf(written, expiring);
	}

	/**
	 * The connection this backend runs its commands on.
	 * @return the connection
	 */
	public RedisAsync getRedis() {
		return this.redis;
	}

	private byte[][] createArgs(NewTask task) {
		List<byte[]> args = new ArrayList<>(13);
		args.add(bytes(Long.toString(createdTimeToLive(task))));
		addFields(args, task);
		return args.toArray(new byte[0][]);
	}

	/**
	 * How long a new record is kept: its countdown and then the time to live, which bounds a
	 * record whose message was never queued (a send that failed); a worker's first change
	 * removes the expiry.
	 */
	private long createdTimeToLive(NewTask task) {
		long countdown = (task.dueAt() != null) ? Math.max(0, task.dueAt().toEpochMilli() - task.createdAt().toEpochMilli())
				: 0;
		return this.timeToLive.toMillis() + countdown;
	}

	private void addFields(List<byte[]> args, NewTask task) {
		// the history of a task just sent is told by its createdAt: no history text is stored
		pair(args, RedisTaskFields.NAME, bytes(task.name()));
		pair(args, RedisTaskFields.QUEUE, bytes(task.queue()));
		pair(args, RedisTaskFields.STATUS, PENDING);
		pair(args, RedisTaskFields.ATTEMPTS, ZERO);
		pair(args, RedisTaskFields.CREATED_AT, RedisTaskFields.millis(task.createdAt()));
		if (task.args() != null) {
			pair(args, RedisTaskFields.ARGS, bytes(task.args()));
		}
	}

	@Override
	public void update(List<TaskStateChange> changes) {
		this.writer.update(changes);
	}

	private static void pair(List<byte[]> args, byte[] field, byte[] value) {
		args.add(field);
		args.add(value);
	}

	@Override
	public Optional<TaskInfo> find(String id) {
		return this.reader.find(id);
	}

	@Override
	public boolean revoke(String id, Instant at) {
		Long revoked = this.redis.execute((commands) -> RedisAsync.<Long>script(commands, RedisTaskScripts.REVOKE,
				ScriptOutputType.INTEGER, new byte[][] { bytes(this.keys.task(id)) }, this.ttlMillis, bytes(id),
				RedisTaskFields.millis(at), bytes(TaskRevokedException.class.getName()), bytes("Revoked before it started"),
				this.maxHistoryArg));
		return revoked != null && revoked == 1L;
	}

	@Override
	public void delete(String id) {
		this.redis.execute((commands) -> commands.del(bytes(this.keys.task(id))));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The caller is told by a notification on this backend's channel when the task finishes,
	 * and polls every poll interval in case one is lost ({@link RedisCompletionWaiters}).
	 */
	@Override
	public CompletableFuture<TaskInfo> whenFinished(String id) {
		return this.waiters.whenFinished(id);
	}

	@Override
	protected void doStart() {
	}

	/**
	 * Close the notification subscription, before the connection factory stops.
	 */
	@Override
	protected void doStop() {
		this.waiters.unsubscribe();
	}

	@Override
	public void destroy() {
		stop();
		this.waiters.close();
	}

}
