package io.gtask.redis;

import org.springframework.util.Assert;

/**
 * Names of gtask's Redis keys.
 * <p>
 * Every key of one queue carries the queue name as a hash tag ({@code gtask:{emails}:ready}),
 * so a script that touches several keys of a queue stays in one Redis Cluster slot. Keys of one
 * task (its state and result) may live in any slot. Queue names are checked before they reach
 * a key, by {@link io.gtask.core.TaskMessageRules#validQueue(String)}.
 */
public final class RedisKeyspace {

	/**
	 * Name of the consumer group every worker joins.
	 */
	public static final String GROUP = "gtask";

	private final String prefix;

	/**
	 * Create a keyspace.
	 * @param prefix the prefix of every key, e.g. {@code gtask}
	 */
	public RedisKeyspace(String prefix) {
		Assert.hasText(prefix, "Key prefix must not be empty");
		this.prefix = prefix;
	}

	/**
	 * The stream of a queue's ready messages.
	 * @param queue the queue
	 * @return the key
	 */
	public String ready(String queue) {
		return this.prefix + ":{" + queue + "}:ready";
	}

	/**
	 * Number of priority lanes of a queue: priorities 0 to 9 and the front.
	 */
	public static final int LANES = 11;

	/**
	 * The stream of a queue's ready messages of one priority. Priority 0 is {@link #ready}.
	 * @param queue the queue
	 * @param priority the priority, 0 to {@code LANES - 1}
	 * @return the key
	 */
	public String lane(String queue, int priority) {
		return (priority == 0) ? ready(queue) : ready(queue) + ":" + priority;
	}

	/**
	 * The prefix of every key of a queue, for keys that scripts derive from task names.
	 * @param queue the queue
	 * @return the prefix, ending with a colon
	 */
	public String queuePrefix(String queue) {
		return this.prefix + ":{" + queue + "}:";
	}

	/**
	 * The key whose presence pauses a queue.
	 * @param queue the queue
	 * @return the key
	 */
	public String paused(String queue) {
		return queuePrefix(queue) + "paused";
	}

	/**
	 * The sorted set of ids of a queue's revoked tasks, scored by the time they were revoked.
	 * @param queue the queue
	 * @return the key
	 */
	public String revoked(String queue) {
		return queuePrefix(queue) + "revoked";
	}

	/**
	 * The sorted set of a queue's consumers, scored by the time their heartbeat expires.
	 * @param queue the queue
	 * @return the key
	 */
	public String consumers(String queue) {
		return queuePrefix(queue) + "consumers";
	}

	/**
	 * The set of task names of a queue that have tasks waiting for a limit.
	 * @param queue the queue
	 * @return the key
	 */
	public String limited(String queue) {
		return queuePrefix(queue) + "limited";
	}

	/**
	 * The set of ids of a queue's tasks the broker holds, kept in durable mode.
	 * @param queue the queue
	 * @return the key
	 */
	public String tracked(String queue) {
		return queuePrefix(queue) + "tracked";
	}

	/**
	 * The sorted set of the groups of a queue that hold tasks, served lowest score first.
	 * @param queue the queue
	 * @return the key
	 */
	public String groups(String queue) {
		return queuePrefix(queue) + "groups";
	}

	/**
	 * The list of the tasks of one group of a queue waiting for their turn.
	 * @param queue the queue
	 * @param group the group
	 * @return the key
	 */
	public String group(String queue, String group) {
		return queuePrefix(queue) + "group:" + group;
	}

	/**
	 * The stream that wakes the idle fetchers of a queue when a task of a group arrives or a
	 * permit of a group is released.
	 * @param queue the queue
	 * @return the key
	 */
	public String groupsWake(String queue) {
		return queuePrefix(queue) + "groups:wake";
	}

	/**
	 * The key held by the task that holds a uniqueness key.
	 * @param queue the queue
	 * @param uniqueKey the uniqueness key
	 * @return the key
	 */
	public String unique(String queue, String uniqueKey) {
		return queuePrefix(queue) + "unique:" + uniqueKey;
	}

	/**
	 * The channel on which cancellations of running tasks are requested.
	 * @return the channel
	 */
	public String cancelChannel() {
		return this.prefix + ":cancel";
	}

	/**
	 * The sorted set of a queue's messages that wait for their due time.
	 * @param queue the queue
	 * @return the key
	 */
	public String delayed(String queue) {
		return this.prefix + ":{" + queue + "}:delayed";
	}

	/**
	 * The sorted set of a queue's dead letter ids, scored by the time they died.
	 * @param queue the queue
	 * @return the key
	 */
	public String dead(String queue) {
		return this.prefix + ":{" + queue + "}:dead";
	}

	/**
	 * The hash of one dead letter.
	 * @param queue the queue
	 * @param id the dead letter id
	 * @return the key
	 */
	public String deadLetter(String queue, String id) {
		return deadLetterPrefix(queue) + id;
	}

	/**
	 * The prefix of the hashes of a queue's dead letters.
	 * @param queue the queue
	 * @return the prefix
	 */
	public String deadLetterPrefix(String queue) {
		return this.prefix + ":{" + queue + "}:dead:";
	}

	/**
	 * The string holding the last tick fired of a periodic schedule whose tasks go to a queue.
	 * @param queue the queue
	 * @param scheduleId the schedule id
	 * @return the key
	 */
	public String periodic(String queue, String scheduleId) {
		return this.prefix + ":{" + queue + "}:periodic:" + scheduleId;
	}

	/**
	 * The hash of a task's state and result.
	 * @param id the task id
	 * @return the key
	 */
	public String task(String id) {
		return this.prefix + ":task:" + id;
	}

	/**
	 * The latest progress a task reported, and the channel its new reports are published on.
	 * @param id the task id
	 * @return the key and channel
	 */
	public String progress(String id) {
		return this.prefix + ":progress:" + id;
	}

	/**
	 * The hash of a batch's state: its counts, callbacks and members, in one hash slot of its own.
	 * @param id the batch id
	 * @return the key
	 */
	public String batch(String id) {
		return this.prefix + ":batch:{" + id + "}";
	}

	/**
	 * The hash of a flow's state: its nodes, the steps sent, the outcomes and the counters of
	 * its groups, in one hash slot of its own.
	 * @param id the flow id
	 * @return the key
	 */
	public String flow(String id) {
		return this.prefix + ":flow:{" + id + "}";
	}

	/**
	 * The hash describing one worker: host, pid, concurrency, queues, start and heartbeat
	 * times.
	 * @param consumerName the worker's consumer name
	 * @return the key
	 */
	public String worker(String consumerName) {
		return this.prefix + ":worker:" + consumerName;
	}

	/**
	 * The sorted set of the names of workers, scored by the time their heartbeat expires.
	 * @return the key
	 */
	public String workers() {
		return this.prefix + ":workers";
	}

	/**
	 * The channel on which one client is told that tasks it waits for have finished.
	 * @param clientId the client's id
	 * @return the channel
	 */
	public String notifyChannel(String clientId) {
		return this.prefix + ":notify:" + clientId;
	}

	/**
	 * The hash of task counts of one hour, with a field per minute and statistic.
	 * @param epochHour the hour, in hours since the epoch
	 * @return the key
	 */
	public String statsHour(long epochHour) {
		return this.prefix + ":stats:" + epochHour;
	}

	/**
	 * The hash of all-time task counts, with a field per statistic.
	 * @return the key
	 */
	public String statsTotal() {
		return this.prefix + ":stats:total";
	}

	/**
	 * The stream of the tasks that ended recently, for browsing: those that succeeded, or the
	 * others.
	 * @param succeeded which of the two
	 * @return the key
	 */
	public String recent(boolean succeeded) {
		return this.prefix + ":browse:" + (succeeded ? "succeeded" : "failed");
	}

}
