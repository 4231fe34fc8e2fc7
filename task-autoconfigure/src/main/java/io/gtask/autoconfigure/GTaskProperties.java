package io.gtask.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of gtask. The larger groups are classes of their own
 * ({@link WorkerProperties}, {@link TaskProperties}, {@link BackendProperties},
 * {@link DurableProperties}, {@link PeriodicProperties}, {@link LimitProperties},
 * {@link VersionProperties}); the JDBC backend, the statistics and the dashboard have
 * properties classes of their own prefix.
 */
@ConfigurationProperties("gtask")
public class GTaskProperties {

	/**
	 * Prefix of every Redis key gtask writes.
	 */
	private String keyPrefix = "gtask";

	/**
	 * Queue of tasks whose handler and sender name none.
	 */
	private String defaultQueue = "default";

	/**
	 * Queue of each task name, for tasks sent without a queue; it takes precedence over the
	 * queue of a local handler, so producers that have no handler route tasks like workers do.
	 */
	private Map<String, String> routes = new LinkedHashMap<>();

	/**
	 * Limits of task names on how many run at once and how often they start; they take
	 * precedence over the limits declared on handlers.
	 */
	private Map<String, LimitProperties> limits = new LinkedHashMap<>();

	@NestedConfigurationProperty
	private final WorkerProperties worker = new WorkerProperties();

	@NestedConfigurationProperty
	private final TaskProperties task = new TaskProperties();

	@NestedConfigurationProperty
	private final BackendProperties backend = new BackendProperties();

	@NestedConfigurationProperty
	private final DurableProperties durable = new DurableProperties();

	@NestedConfigurationProperty
	private final PeriodicProperties periodic = new PeriodicProperties();

	private final FlowProperties flow = new FlowProperties();

	@NestedConfigurationProperty
	private final VersionProperties versions = new VersionProperties();

	private final Redis redis = new Redis();

	private final Message message = new Message();

	private final Send send = new Send();

	private final Browse browse = new Browse();

	private final Groups groups = new Groups();

	private final Result result = new Result();

	private final DeadLetter deadLetter = new DeadLetter();

	private final Metrics metrics = new Metrics();

	private final Observation observation = new Observation();

	private final Health health = new Health();

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public String getDefaultQueue() {
		return this.defaultQueue;
	}

	public void setDefaultQueue(String defaultQueue) {
		this.defaultQueue = defaultQueue;
	}

	public Map<String, String> getRoutes() {
		return this.routes;
	}

	public void setRoutes(Map<String, String> routes) {
		this.routes = routes;
	}

	public Map<String, LimitProperties> getLimits() {
		return this.limits;
	}

	public void setLimits(Map<String, LimitProperties> limits) {
		this.limits = limits;
	}

	public WorkerProperties getWorker() {
		return this.worker;
	}

	public TaskProperties getTask() {
		return this.task;
	}

	public BackendProperties getBackend() {
		return this.backend;
	}

	public DurableProperties getDurable() {
		return this.durable;
	}

	public PeriodicProperties getPeriodic() {
		return this.periodic;
	}

	public FlowProperties getFlow() {
		return this.flow;
	}

	public VersionProperties getVersions() {
		return this.versions;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Message getMessage() {
		return this.message;
	}

	public Send getSend() {
		return this.send;
	}

	public Browse getBrowse() {
		return this.browse;
	}

	public Groups getGroups() {
		return this.groups;
	}

	public Result getResult() {
		return this.result;
	}

	public DeadLetter getDeadLetter() {
		return this.deadLetter;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Observation getObservation() {
		return this.observation;
	}

	public Health getHealth() {
		return this.health;
	}

	/**
	 * Observation settings.
	 */
	public static class Observation {

		/**
		 * Whether sends and executions are observed with the application's
		 * ObservationRegistry (Micrometer Observation, for tracing), with the trace context
		 * carried in task headers. Off by default, as in Spring Kafka and Spring AMQP: each
		 * observation costs time on every task.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Metrics settings, used when a Micrometer MeterRegistry is present.
	 */
	public static class Metrics {

		/**
		 * Whether to record task and queue metrics.
		 */
		private boolean enabled = true;

		/**
		 * Time a snapshot of a queue's sizes is used for by the queue gauges before Redis is
		 * read again.
		 */
		private Duration queueRefreshInterval = Duration.ofSeconds(5);

		/**
		 * Number of distinct task names, besides those of local handlers and routes, tagged as
		 * they are; further names are tagged 'other'.
		 */
		private int maxTaskNames = 100;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getQueueRefreshInterval() {
			return this.queueRefreshInterval;
		}

		public void setQueueRefreshInterval(Duration queueRefreshInterval) {
			this.queueRefreshInterval = queueRefreshInterval;
		}

		public int getMaxTaskNames() {
			return this.maxTaskNames;
		}

		public void setMaxTaskNames(int maxTaskNames) {
			this.maxTaskNames = maxTaskNames;
		}

	}

	/**
	 * Health indicator settings.
	 */
	public static class Health {

		/**
		 * Number of pending tasks of a consumed queue above which the health indicator reports
		 * a backlog.
		 */
		private long backlogThreshold = 10000;

		/**
		 * Status the health indicator reports while a queue's backlog is above the threshold,
		 * such as OUT_OF_SERVICE; when not set, the status stays UP and the backlog is reported
		 * as a detail only.
		 */
		private @Nullable String backlogStatus;

		public long getBacklogThreshold() {
			return this.backlogThreshold;
		}

		public void setBacklogThreshold(long backlogThreshold) {
			this.backlogThreshold = backlogThreshold;
		}

		public @Nullable String getBacklogStatus() {
			return this.backlogStatus;
		}

		public void setBacklogStatus(@Nullable String backlogStatus) {
			this.backlogStatus = backlogStatus;
		}

	}

	/**
	 * Dead letter settings.
	 */
	public static class DeadLetter {

		/**
		 * Most dead letters kept per queue; the oldest are removed first.
		 */
		private int maxSize = 10_000;

		/**
		 * Time a dead letter is kept.
		 */
		private Duration maxAge = Duration.ofDays(7);

		public int getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(int maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

	}

	/**
	 * Redis settings of gtask; the connection itself is configured with
	 * {@code spring.data.redis.*}.
	 */
	public static class Redis {

		/**
		 * Time to wait for Redis to answer one batch of gtask's commands.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * Task message settings.
	 */
	public static class Message {

		/**
		 * Largest task message, arguments included, that a sender may queue and a worker
		 * runs; a larger one read from a queue is kept as a dead letter.
		 */
		private DataSize maxPayloadSize = DataSize.ofKilobytes(512);

		public DataSize getMaxPayloadSize() {
			return this.maxPayloadSize;
		}

		public void setMaxPayloadSize(DataSize maxPayloadSize) {
			this.maxPayloadSize = maxPayloadSize;
		}

	}

	/**
	 * Limits of the task groups of a queue ({@code TaskRequest.Builder#group}), each group on its
	 * own, across all instances.
	 */
	public static class Groups {

		/**
		 * Most tasks of one group that run at once across all instances; 0 for no limit.
		 */
		private int concurrency;

		/**
		 * Most tasks of one group started per rate period across all instances; 0 for no limit.
		 */
		private int rate;

		/**
		 * The period of the rate limit of a group.
		 */
		private Duration ratePeriod = Duration.ofSeconds(1);

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getRate() {
			return this.rate;
		}

		public void setRate(int rate) {
			this.rate = rate;
		}

		public Duration getRatePeriod() {
			return this.ratePeriod;
		}

		public void setRatePeriod(Duration ratePeriod) {
			this.ratePeriod = ratePeriod;
		}

	}

	/**
	 * Settings of browsing tasks by state.
	 */
	public static class Browse {

		/**
		 * About how many tasks that succeeded the index of recently ended tasks keeps, for the
		 * task browser; 0 keeps none, and writes nothing.
		 */
		private long maxSucceeded = 10_000;

		/**
		 * About how many tasks that failed, were revoked or expired the index keeps, each with
		 * its error and stack trace; 0 keeps none.
		 */
		private long maxFailed = 2_000;

		public long getMaxSucceeded() {
			return this.maxSucceeded;
		}

		public void setMaxSucceeded(long maxSucceeded) {
			this.maxSucceeded = maxSucceeded;
		}

		public long getMaxFailed() {
			return this.maxFailed;
		}

		public void setMaxFailed(long maxFailed) {
			this.maxFailed = maxFailed;
		}

	}

	/**
	 * Settings of sending tasks.
	 */
	public static class Send {

		/**
		 * When a task sent inside a Spring-managed transaction is queued, unless its request
		 * says: 'after-commit' (only once the transaction committed, never on rollback) or
		 * 'immediate' (at once). Outside a transaction, tasks are always queued at once.
		 */
		private InTransaction inTransaction = InTransaction.AFTER_COMMIT;

		public InTransaction getInTransaction() {
			return this.inTransaction;
		}

		public void setInTransaction(InTransaction inTransaction) {
			this.inTransaction = inTransaction;
		}

		/**
		 * When a task sent inside a transaction is queued.
		 */
		public enum InTransaction {

			/**
			 * Once the transaction committed; never if it rolled back.
			 */
			AFTER_COMMIT,

			/**
			 * At once, whatever becomes of the transaction.
			 */
			IMMEDIATE

		}

	}

	/**
	 * Result backend settings.
	 */
	public static class Result {

		/**
		 * Time a task's state and result are kept after its last change.
		 */
		private Duration ttl = Duration.ofHours(24);

		/**
		 * Interval at which a caller waiting for a task checks its state: on the Redis backend
		 * in case a completion notification was lost, on the JDBC backend the only way it learns
		 * that the task finished.
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

	}

}
