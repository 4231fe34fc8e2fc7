package io.gtask.worker;

import java.time.Duration;
import java.util.List;

import org.springframework.util.Assert;

/**
 * Settings of a {@link TaskContainer}.
 *
 * @param queues the queues to consume; empty for those the router sends the registered
 * handlers' tasks to, and the default queue
 * @param concurrency the most tasks run at once by this container
 * @param batchSize the most messages fetched in one round trip
 * @param pollTimeout how long one fetch waits when the queue is empty
 * @param promoteInterval how often due delayed messages are moved into their queue
 * @param shutdownTimeout how long stopping waits for running tasks
 * @param consumerName the name of this consumer, unique among all instances
 * @param visibilityTimeout how long a delivery may be left without a sign of life before
 * another consumer takes it over
 * @param maxDeliveries how many times a message may be delivered without finishing before it
 * is set aside as a dead letter
 * @param reclaimInterval how often deliveries abandoned by dead consumers are looked for
 */
public record TaskContainerSettings(List<String> queues, int concurrency, int batchSize, Duration pollTimeout,
		Duration promoteInterval, Duration shutdownTimeout, String consumerName, Duration visibilityTimeout,
		int maxDeliveries, Duration reclaimInterval) {

	/**
	 * Check the settings.
	 */
	public TaskContainerSettings {
		Assert.isTrue(concurrency > 0, "concurrency must be positive");
		Assert.isTrue(batchSize > 0, "batchSize must be positive");
		Assert.isTrue(maxDeliveries > 0, "maxDeliveries must be positive");
		Assert.isTrue(visibilityTimeout.toMillis() >= 100, "visibilityTimeout must be at least 100 ms");
		queues = List.copyOf(queues);
	}

}
