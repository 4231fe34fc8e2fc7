package io.gtask.broker.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.gtask.broker.Delivery;
import io.gtask.broker.OutgoingTask;
import io.gtask.broker.Promotion;
import io.gtask.broker.Settlement;
import io.gtask.broker.TaskBroker;
import io.gtask.core.DeadLetter;
import io.gtask.core.TaskRequest;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisBatch;
import io.gtask.redis.RedisChannelListener;
import io.gtask.redis.RedisKeyspace;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

import static io.gtask.broker.redis.BrokerScripts.GROUP;
import static io.gtask.broker.redis.Lanes.number;
import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * A {@link TaskBroker} on Redis Streams.
 * <p>
 * Each queue has one stream per priority lane, read by the consumer group {@code gtask}. One
 * script fetches a batch across the lanes, highest first, and applies what decides whether a
 * task may start: the queue being paused, the task being revoked, the limits of its name. Tasks
 * over a limit wait in a list of their name until a running task of that name finishes
 * ({@link WaitingTasks}). Fetched entries stay in the group's pending list until a script
 * acknowledges and deletes them, so a worker that dies holds nothing that is lost. Messages due
 * later wait in a sorted set scored by due time and are moved into their lane by a script once
 * due. The scripts are {@code .lua} files beside this class ({@link BrokerScripts}).
 * <p>
 * {@link RedisQueueAdmin} and {@link RedisDeadLetterStore} work on the same keys, created on the
 * same {@link RedisBrokerContext}.
 */
public class RedisTaskBroker implements TaskBroker {

	private static final LogAccessor logger = new LogAccessor(RedisTaskBroker.class);

	/**
	 * The latest due time a delayed task can have, the end of the year 9999; members of the
	 * delayed set due later are never due.
	 */
	private static final long LATEST_DUE = 253_402_300_799_999L;

	private final RedisBrokerContext context;

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final boolean tracking;

	private final WaitingTasks waiting;

	private final RedisClaims claims;

	private final GroupPermits groupPermits;

	/**
	 * Create a broker.
	 * @param context the connection, key layout and settings, shared with the admin and the
	 * dead letter store of the same queues
	 */
	public RedisTaskBroker(RedisBrokerContext context) {
		this.context = context;
		this.redis = context.redis();
		this.keys = context.keys();
		this.tracking = context.getSettings().tracking();
		this.waiting = new WaitingTasks(context);
		this.groupPermits = new GroupPermits(context);
		this.claims = new RedisClaims(context, this.waiting, this.groupPermits);
	}

	@Override
	public CompletableFuture<List<@Nullable String>> enqueue(List<OutgoingTask> tasks) {
		if (tasks.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		List<@Nullable CompletableFuture<byte @Nullable []>> holders = new ArrayList<>(tasks.size());
		CompletableFuture<Void> all = this.redis.submitBatch((batch) -> {
			for (OutgoingTask task : tasks) {
				holders.add(enqueue(batch, task));
			}
		});
		CompletableFuture<List<@Nullable String>> queued = all.thenApply((ignored) -> {
			List<@Nullable String> result = new ArrayList<>(holders.size());
			for (CompletableFuture<byte @Nullable []> holder : holders) {
				byte[] id = (holder != null) ? holder.join() : null;
				result.add((id != null) ? string(id) : null);
			}
			return result;
		});
		if (queued.isDone()) {
			// answered already (or never written): this is the sender's thread, which may ask more
			Throwable failure = queued.handle((result, ex) -> ex).join();
			return (failure != null) ? CompletableFuture.failedFuture(refused(tasks, failure)) : queued;
		}
		// finding the keys of the wrong type takes commands, which must not run on a Redis thread
		return queued.exceptionallyComposeAsync((ex) -> CompletableFuture.failedFuture(refused(tasks, ex)));
	}

	private Throwable refused(List<OutgoingTask> tasks, Throwable failure) {
		return this.context.keyTypes().refused(tasks, failure, this.context.limits().keySet(), this.tracking);
	}

	private @Nullable CompletableFuture<byte @Nullable []> enqueue(RedisBatch batch, OutgoingTask task) {
		int lane = task.priority();
		boolean delayed = task.due() != null;
		boolean grouped = task.group() != null && !delayed;
		byte[] target = bytes(target(task));
		byte[] message = delayed ? delayedMember(task) : task.payload();
		byte[] due = number(delayed ? task.due().toEpochMilli() : 0);
		if (task.uniqueKey() != null && task.uniqueFor() != null) {
			byte[] unique = bytes(this.keys.unique(task.queue(), task.uniqueKey()));
			byte[][] scriptKeys = this.tracking
					? new byte[][] { unique, target, bytes(this.keys.tracked(task.queue())) }
					: new byte[][] { unique, target };
			if (grouped) {
				return batch.scriptValue(BrokerScripts.ENQUEUE_UNIQUE, scriptKeys, bytes(task.id()),
						number(task.uniqueFor().toMillis()), bytes("g"), message, due,
						bytes(this.keys.queuePrefix(task.queue())), bytes(task.group()), front(lane));
			}
			return batch.scriptValue(BrokerScripts.ENQUEUE_UNIQUE, scriptKeys, bytes(task.id()),
					number(task.uniqueFor().toMillis()), bytes(delayed ? "z" : "s"), message, due);
		}
		enqueueWithoutKey(batch, task);
		return null;
	}

	/**
	 * Where a task goes: its group's list, the delayed set or the lane of its priority.
	 */
	private String target(OutgoingTask task) {
		if (task.due() != null) {
			return this.keys.delayed(task.queue());
		}
		if (task.group() != null) {
			return this.keys.group(task.queue(), task.group());
		}
		return this.keys.lane(task.queue(), task.priority());
	}

	private static byte[] delayedMember(OutgoingTask task) {
		return (task.group() != null) ? Lanes.grouped(task.group(), task.payload())
				: Lanes.tagged(task.priority(), task.payload());
	}

	private static byte[] front(int priority) {
		return bytes((priority == TaskRequest.FRONT) ? "1" : "0");
	}

	private CompletableFuture<?> enqueueGrouped(RedisBatch batch, OutgoingTask task) {
		String queue = task.queue();
		byte[][] scriptKeys = this.tracking
				? new byte[][] { bytes(this.keys.group(queue, task.group())), bytes(this.keys.groups(queue)),
						bytes(this.keys.groupsWake(queue)), bytes(this.keys.tracked(queue)) }
				: new byte[][] { bytes(this.keys.group(queue, task.group())), bytes(this.keys.groups(queue)),
						bytes(this.keys.groupsWake(queue)) };
		return batch.script(BrokerScripts.ENQUEUE_GROUPED, scriptKeys, bytes(this.keys.queuePrefix(queue)),
				bytes(task.group()), task.payload(), front(task.priority()), bytes(task.id()));
	}

	private CompletableFuture<?> enqueueWithoutKey(RedisBatch batch, OutgoingTask task) {
		boolean delayed = task.due() != null;
		if (task.group() != null && !delayed) {
			return enqueueGrouped(batch, task);
		}
		byte[] target = bytes(target(task));
		byte[] message = delayed ? delayedMember(task) : task.payload();
		if (this.tracking) {
			return batch.script(BrokerScripts.ENQUEUE_TRACKED,
					new byte[][] { target, bytes(this.keys.tracked(task.queue())) }, bytes(task.id()),
					bytes(delayed ? "z" : "s"), message, number(delayed ? task.due().toEpochMilli() : 0));
		}
		if (!delayed) {
			return batch.xadd(target, BrokerScripts.MESSAGE_FIELD, message);
		}
		return batch.zadd(target, task.due().toEpochMilli(), message);
	}

	/**
	 * Add to a batch the command that queues a task holding no uniqueness key, for a sender
	 * that writes it together with other commands (the task's record) in one round trip.
	 * @param batch the batch
	 * @param task the task, without uniqueness key
	 * @return a future completed when Redis answered, failed if it refused the command; see
	 * {@link #explainRefusal(List, Throwable)}
	 */
	public CompletableFuture<?> enqueueInBatch(RedisBatch batch, OutgoingTask task) {
		if (task.uniqueKey() != null) {
			throw new IllegalArgumentException("Task " + task.id() + " holds a uniqueness key; use enqueue(List)");
		}
		return enqueueWithoutKey(batch, task);
	}

	/**
	 * What to tell the sender of tasks that Redis refused to queue: when keys of their queues
	 * hold values of another type, a {@link io.gtask.core.QueueKeyTypeException} that names the keys and the
	 * tasks not queued for them; otherwise the failure itself. Runs commands, so it must not be
	 * called on a thread of the Redis client.
	 * @param tasks the tasks of the send
	 * @param failure what Redis answered
	 * @return the failure to report
	 */
	public Throwable explainRefusal(List<OutgoingTask> tasks, Throwable failure) {
		return refused(tasks, failure);
	}

	/**
	 * The connection this broker runs its commands on.
	 * @return the connection
	 */
	public RedisAsync getRedis() {
		return this.redis;
	}

	@Override
	public Consumer consumer(String queue, String consumerName) {
		return new RedisStreamConsumer(this.context, queue, consumerName);
	}

	@Override
	public void settle(List<Settlement> settlements) {
		if (settlements.isEmpty()) {
			return;
		}
		Map<String, List<Delivery>> acks = new LinkedHashMap<>();
		Map<String, List<Delivery>> released = new LinkedHashMap<>();
		for (Settlement settlement : settlements) {
			Delivery delivery = settlement.delivery();
			if (settlement.retryPayload() == null && settlement.deadLetter() == null) {
				acks.computeIfAbsent(Lanes.key(this.keys, delivery), (key) -> new ArrayList<>()).add(delivery);
			}
			if (delivery.limitedName() != null) {
				released.computeIfAbsent(delivery.queue(), (queue) -> new ArrayList<>()).add(delivery);
			}
		}
		this.redis.executeBatch((batch) -> {
			for (Settlement settlement : settlements) {
				if (settlement.retryPayload() != null && settlement.retryAt() != null) {
					retryLater(batch, settlement.delivery(), settlement.retryPayload(), settlement.retryAt());
				}
				else if (settlement.deadLetter() != null) {
					deadLetter(batch, settlement.delivery(), settlement.deadLetter());
				}
				if (this.tracking && settlement.taskId() != null && settlement.retryPayload() == null) {
					batch.script(BrokerScripts.UNTRACK,
							new byte[][] { bytes(this.keys.tracked(settlement.delivery().queue())) },
							bytes(settlement.taskId()));
				}
				if (settlement.uniqueKey() != null && settlement.taskId() != null && settlement.retryPayload() == null) {
					String unique = this.keys.unique(settlement.delivery().queue(), settlement.uniqueKey());
					batch.script(BrokerScripts.RELEASE_UNIQUE, new byte[][] { bytes(unique) },
							bytes(settlement.taskId()));
				}
			}
			acks.forEach((key, list) -> batch.script(BrokerScripts.ACK,
					new byte[][] { bytes(key), bytes(this.keys.revoked(list.get(0).queue())) }, RedisClaims.groupAndIds(list)));
			released.forEach((queue, list) -> this.waiting.admit(batch, queue, Instant.now(), list,
					localFreeAfterRelease(list)));
			if (this.groupPermits.isLimited()) {
				this.groupPermits.release(batch, settlements.stream().map(Settlement::delivery).toList());
			}
		});
	}

	private static Map<String, Integer> localFreeAfterRelease(List<Delivery> released) {
		Map<String, Integer> free = new HashMap<>();
		for (Delivery delivery : released) {
			free.merge(delivery.limitedName(), 1, Integer::sum);
		}
		return free;
	}

	private void retryLater(RedisBatch batch, Delivery delivery, byte[] payload, Instant due) {
		batch.script(BrokerScripts.RETRY_LATER,
				new byte[][] { bytes(Lanes.key(this.keys, delivery)), bytes(this.keys.delayed(delivery.queue())) },
				GROUP, bytes(delivery.deliveryId()), number(due.toEpochMilli()),
				(delivery.group() != null) ? Lanes.grouped(delivery.group(), payload)
						: Lanes.tagged(delivery.priority(), payload));
	}

	private void deadLetter(RedisBatch batch, Delivery delivery, DeadLetter deadLetter) {
		String queue = delivery.queue();
		RedisBrokerSettings settings = this.context.getSettings();
		List<byte[]> args = new ArrayList<>(26);
		args.add(GROUP);
		args.add(bytes(delivery.deliveryId()));
		args.add(number(deadLetter.deadAt().toEpochMilli()));
		args.add(number(settings.deadLetterMaxSize()));
		args.add(number(deadLetter.deadAt().minus(settings.deadLetterMaxAge()).toEpochMilli()));
		args.add(bytes(this.keys.deadLetterPrefix(queue)));
		args.add(bytes(Lanes.identity(delivery)));
		DeadLetterHash.addFields(args, deadLetter);
		batch.script(BrokerScripts.DEAD_LETTER,
				new byte[][] { bytes(Lanes.key(this.keys, delivery)), bytes(this.keys.dead(queue)),
						bytes(this.keys.deadLetter(queue, Lanes.identity(delivery))), bytes(this.keys.revoked(queue)) },
				args.toArray(new byte[0][]));
	}

	@Override
	public int reclaim(String queue, Duration minIdle, int max) {
		return this.claims.reclaim(queue, minIdle, max);
	}

	@Override
	public void heartbeat(String queue, String consumerName, Duration ttl) {
		this.claims.heartbeat(queue, consumerName, ttl);
	}

	@Override
	public void keepAlive(List<Delivery> deliveries, String consumerName) {
		this.claims.keepAlive(deliveries, consumerName);
	}

	@Override
	public void handBack(List<Delivery> deliveries) {
		this.claims.handBack(deliveries);
	}

	@Override
	public void defer(List<Delivery> deliveries) {
		this.waiting.defer(deliveries);
	}

	@Override
	public int admitWaiting(String queue, Instant now, Map<String, Integer> localFree) {
		return this.waiting.admitWaiting(queue, now, localFree);
	}

	@Override
	public Promotion promoteDue(String queue, Instant now, int limit) {
		byte[][] scriptKeys = new byte[RedisKeyspace.LANES + 2][];
		scriptKeys[0] = bytes(this.keys.delayed(queue));
		System.arraycopy(Lanes.keys(this.keys, queue), 0, scriptKeys, 1, RedisKeyspace.LANES);
		scriptKeys[RedisKeyspace.LANES + 1] = bytes(this.keys.dead(queue));
		List<Object> result;
		try {
			result = this.redis.execute((commands) -> RedisAsync.<List<Object>>script(commands, BrokerScripts.PROMOTE,
					ScriptOutputType.MULTI, scriptKeys, number(now.toEpochMilli()), number(limit), number(LATEST_DUE),
					bytes(this.keys.deadLetterPrefix(queue))));
		}
		catch (RuntimeException ex) {
			throw this.context.keyTypes().translate(queue, this.context.limits().keySet(), ex);
		}
		for (int i = 2; i + 1 < result.size(); i += 2) {
			String id = string((byte[]) result.get(i));
			String reason = string((byte[]) result.get(i + 1));
			logger.warn(() -> "Set aside delayed entry of queue '" + queue + "' as dead letter " + id + ": " + reason);
		}
		int moved = ((Number) result.get(0)).intValue();
		String next = string((byte[]) result.get(1));
		return new Promotion(moved, dueTime(next));
	}

	private static @Nullable Instant dueTime(String score) {
		double due = switch (score) {
			case "" -> Double.NaN;
			case "inf", "+inf" -> Double.POSITIVE_INFINITY;
			case "-inf" -> Double.NEGATIVE_INFINITY;
			default -> Double.parseDouble(score);
		};
		if (Double.isNaN(due) || due > LATEST_DUE) {
			return null;
		}
		return Instant.ofEpochMilli((long) Math.max(due, 0));
	}

	@Override
	public Set<String> findHeld(String queue, Collection<String> taskIds) {
		if (taskIds.isEmpty()) {
			return Set.of();
		}
		List<String> ids = List.copyOf(taskIds);
		byte[][] members = ids.stream().map(RedisAsync::bytes).toArray(byte[][]::new);
		List<Boolean> held = this.redis
			.execute((commands) -> commands.smismember(bytes(this.keys.tracked(queue)), members));
		Set<String> result = new HashSet<>();
		for (int i = 0; i < ids.size(); i++) {
			if (Boolean.TRUE.equals(held.get(i))) {
				result.add(ids.get(i));
			}
		}
		return result;
	}

	@Override
	public void requestCancellation(String taskId) {
		this.redis.execute((commands) -> commands.publish(bytes(this.keys.cancelChannel()), bytes(taskId)));
	}

	@Override
	public AutoCloseable onCancellation(java.util.function.Consumer<String> listener) {
		// subscribes again by itself when Redis is down now, so that cancelling works once it is back
		return RedisChannelListener.listen(this.redis.getConnectionFactory(), this.keys.cancelChannel(),
				"cancellation requests", (body) -> listener.accept(string(body)), Duration.ofSeconds(1));
	}

}
