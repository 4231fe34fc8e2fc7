package io.gtask.worker;

import java.time.Instant;
import java.util.List;

/**
 * A worker (one {@link TaskContainer}) as it last described itself in the
 * {@link WorkerRegistry}.
 *
 * @param name the consumer name ({@code gtask.worker.consumer-name})
 * @param host the host name of its process
 * @param pid the process id
 * @param concurrency the most tasks it runs at once
 * @param queues the queues it consumes
 * @param startedAt when it started
 * @param lastHeartbeat when it last wrote this description
 * @param aliveUntil until when its last heartbeat counts it as alive
 */
public record WorkerInfo(String name, String host, long pid, int concurrency, List<String> queues, Instant startedAt,
		Instant lastHeartbeat, Instant aliveUntil) {

	/**
	 * Check the values.
	 */
	public WorkerInfo {
		queues = List.copyOf(queues);
	}

}
