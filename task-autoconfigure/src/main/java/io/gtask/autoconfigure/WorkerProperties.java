package io.gtask.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gtask.worker.QueueOrder;
import org.jspecify.annotations.Nullable;

/**
 * Consumer container settings ({@code gtask.worker.*}).
 */
public class WorkerProperties {

	/**
	 * Whether this instance runs tasks; false makes it a producer only.
	 */
	private boolean enabled = true;

	/**
	 * Whether the consumer container starts with the application context.
	 */
	private boolean autoStartup = true;

	/**
	 * Queues to consume. Empty for the default queue and every queue a registered handler
	 * names.
	 */
	private List<String> queues = new ArrayList<>();

	/**
	 * Most tasks this instance runs at once.
	 */
	private int concurrency = 16;

	/**
	 * How free worker slots are shared among several queues: 'strict' serves a queue only
	 * while the queues listed before it have nothing to run; 'weighted' draws among the
	 * queues that have tasks by their weights, so that none starves.
	 */
	private QueueOrder queueOrder = QueueOrder.WEIGHTED;

	/**
	 * Whether the id, name, queue and attempt of the task a worker thread runs are put in
	 * its logging context (MDC keys gtask.taskId, gtask.taskName, gtask.queue,
	 * gtask.attempt).
	 */
	private boolean mdc = true;

	/**
	 * Weight of each queue in weighted order; queues not listed weigh 1.
	 */
	private Map<String, Integer> queueWeights = new LinkedHashMap<>();

	/**
	 * Most messages fetched in one round trip (never more than free worker slots).
	 */
	private int batchSize = 32;

	/**
	 * Time one fetch waits for a message when the queue is empty.
	 */
	private Duration pollTimeout = Duration.ofSeconds(1);

	/**
	 * Interval at which delayed tasks that are due are moved into their queue.
	 */
	private Duration promoteInterval = Duration.ofMillis(100);

	/**
	 * Time stopping waits for running tasks to finish before handing back those still
	 * running. With the 5 s gtask keeps to hand them back, it must fit in
	 * spring.lifecycle.timeout-per-shutdown-phase (30 s by default), or it is cut short.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(20);

	/**
	 * Time a fetched task may go without a sign of life from its worker before another
	 * worker takes it over. A running task's worker renews its claim well within this time,
	 * so only tasks of dead workers are taken over.
	 */
	private Duration visibilityTimeout = Duration.ofSeconds(60);

	/**
	 * Number of deliveries without finishing after which a task is set aside as a dead
	 * letter (a poison task that keeps killing its worker).
	 */
	private int maxDeliveries = 5;

	/**
	 * Interval at which tasks abandoned by dead workers are looked for and claims of running
	 * tasks renewed (at most a third of the visibility timeout is used).
	 */
	private Duration reclaimInterval = Duration.ofSeconds(5);

	/**
	 * Name of this consumer, unique among all instances. Defaults to host, process id and a
	 * random suffix.
	 */
	private @Nullable String consumerName;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public List<String> getQueues() {
		return this.queues;
	}

	public void setQueues(List<String> queues) {
		this.queues = queues;
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(int concurrency) {
		this.concurrency = concurrency;
	}

	public int getBatchSize() {
		return this.batchSize;
	}

	public void setBatchSize(int batchSize) {
		this.batchSize = batchSize;
	}

	public Duration getPollTimeout() {
		return this.pollTimeout;
	}

	public void setPollTimeout(Duration pollTimeout) {
		this.pollTimeout = pollTimeout;
	}

	public Duration getPromoteInterval() {
		return this.promoteInterval;
	}

	public void setPromoteInterval(Duration promoteInterval) {
		this.promoteInterval = promoteInterval;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Duration getVisibilityTimeout() {
		return this.visibilityTimeout;
	}

	public void setVisibilityTimeout(Duration visibilityTimeout) {
		this.visibilityTimeout = visibilityTimeout;
	}

	public int getMaxDeliveries() {
		return this.maxDeliveries;
	}

	public void setMaxDeliveries(int maxDeliveries) {
		this.maxDeliveries = maxDeliveries;
	}

	public Duration getReclaimInterval() {
		return this.reclaimInterval;
	}

	public void setReclaimInterval(Duration reclaimInterval) {
		this.reclaimInterval = reclaimInterval;
	}

	public @Nullable String getConsumerName() {
		return this.consumerName;
	}

	public void setConsumerName(@Nullable String consumerName) {
		this.consumerName = consumerName;
	}

	public QueueOrder getQueueOrder() {
		return this.queueOrder;
	}

	public void setQueueOrder(QueueOrder queueOrder) {
		this.queueOrder = queueOrder;
	}

	public Map<String, Integer> getQueueWeights() {
		return this.queueWeights;
	}

	public void setQueueWeights(Map<String, Integer> queueWeights) {
		this.queueWeights = queueWeights;
	}

	public boolean isMdc() {
		return this.mdc;
	}

	public void setMdc(boolean mdc) {
		this.mdc = mdc;
	}

}
