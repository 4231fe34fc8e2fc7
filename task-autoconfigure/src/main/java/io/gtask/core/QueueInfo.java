package io.gtask.core;

import java.util.List;

/**
 * A snapshot of one queue, as {@link TaskQueues#info(String)} reads it.
 *
 * @param queue the queue
 * @param pending tasks ready to run and not yet fetched
 * @param delayed tasks waiting for their due time (countdown, ETA or retry backoff)
 * @param inFlight tasks fetched by a worker and not yet acknowledged
 * @param waiting tasks held back by a concurrency or rate limit
 * @param dead dead letters kept for the queue
 * @param paused whether the queue is paused
 * @param consumers the workers consuming the queue that were seen recently
 * @param grouped tasks of groups waiting for their group's turn (counted over the first 1000
 * groups in turn)
 * @param groups groups that hold tasks waiting for their turn
 */
public record QueueInfo(String queue, long pending, long delayed, long inFlight, long waiting, long dead,
		boolean paused, List<ConsumerInfo> consumers, long grouped, long groups) {

	/**
	 * Information of a queue without groups.
	 * @param queue the queue
	 * @param pending tasks ready to run
	 * @param delayed tasks waiting for their due time
	 * @param inFlight tasks fetched and not acknowledged
	 * @param waiting tasks held back by a limit
	 * @param dead dead letters
	 * @param paused whether the queue is paused
	 * @param consumers the workers consuming the queue
	 */
	public QueueInfo(String queue, long pending, long delayed, long inFlight, long waiting, long dead, boolean paused,
			List<ConsumerInfo> consumers) {
		this(queue, pending, delayed, inFlight, waiting, dead, paused, consumers, 0, 0);
	}

	/**
	 * A worker consuming a queue.
	 *
	 * @param name the consumer name ({@code gtask.worker.consumer-name})
	 * @param inFlight the tasks of the queue it holds
	 * @param aliveUntil until when its last heartbeat counts it as alive, in epoch
	 * milliseconds; a consumer that stops sending heartbeats is no longer listed after that
	 */
	public record ConsumerInfo(String name, long inFlight, long aliveUntil) {
	}

}
