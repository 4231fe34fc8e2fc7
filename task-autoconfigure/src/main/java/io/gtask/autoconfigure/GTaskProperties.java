package io.gtask.autoconfigure;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gtask.periodic.MissedTickPolicy;
import org.jspecify.annotations.Nullable;
import io.gtask.durable.LostTaskPolicy;
import io.gtask.worker.QueueOrder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of gtask.
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

	private final Periodic periodic = new Periodic();

	private final Redis redis = new Redis();

	private final Message message = new Message();

	private final Result result = new Result();

	private final Task task = new Task();

	private final Worker worker = new Worker();

	private final DeadLetter deadLetter = new DeadLetter();

	private final Backend backend = new Backend();

	private final Durable durable = new Durable();

	private final Metrics metrics = new Metrics();

	private final Observation observation = new Observation();

	public Observation getObservation() {
		return this.observation;
	}

	private final Health health = new Health();

	public Health getHealth() {
		return this.health;
	}

	public Durable getDurable() {
		return this.durable;
	}

	public Backend getBackend() {
		return this.backend;
	}

	/**
	 * Limits of task names on how many run at once and how often they start; they take
	 * precedence over the limits declared on handlers.
	 */
	private Map<String, Limit> limits = new LinkedHashMap<>();

	public Map<String, Limit> getLimits() {
		return this.limits;
	}

	public void setLimits(Map<String, Limit> limits) {
		this.limits = limits;
	}

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

	public Periodic getPeriodic() {
		return this.periodic;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Message getMessage() {
		return this.message;
	}

	public Result getResult() {
		return this.result;
	}

	public Task getTask() {
		return this.task;
	}

	public Worker getWorker() {
		return this.worker;
	}

	public DeadLetter getDeadLetter() {
		return this.deadLetter;
	}

	public Metrics getMetrics() {
		return this.metrics;
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
	 * Durable mode settings.
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

	public static class Durable {

		/**
		 * Whether the result backend is the system of record: each task is recorded with its
		 * message before it is queued, and a reaper sends again the tasks Redis lost. Needs
		 * gtask.backend.type=jdbc or mongo.
		 */
		private boolean enabled;

		private final Reaper reaper = new Reaper();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Reaper getReaper() {
			return this.reaper;
		}

	}

	/**
	 * Reaper settings.
	 */
	public static class Reaper {

		/**
		 * Interval at which one instance looks for lost tasks.
		 */
		private Duration period = Duration.ofSeconds(30);

		/**
		 * Time an unfinished task may go without a change of state before the reaper examines
		 * it; longer than the time a task waits in its queue and runs, as the broker is asked
		 * whether it still holds it anyway.
		 */
		private Duration timeout = Duration.ofMinutes(5);

		/**
		 * Most tasks read from the backend at once.
		 */
		private int batchSize = 500;

		/**
		 * What to do with a lost task: send it again ('retry') or mark it FAILURE ('fail').
		 */
		private LostTaskPolicy policy = LostTaskPolicy.RETRY;

		public Duration getPeriod() {
			return this.period;
		}

		public void setPeriod(Duration period) {
			this.period = period;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public LostTaskPolicy getPolicy() {
			return this.policy;
		}

		public void setPolicy(LostTaskPolicy policy) {
			this.policy = policy;
		}

	}

	/**
	 * Result backend settings.
	 */
	public static class Backend {

		/**
		 * Where task states and results are kept.
		 */
		private Type type = Type.REDIS;

		/**
		 * Whether to keep each task's arguments, as JSON text, with its state, so that looking
		 * a task up by id tells them, also after it finished.
		 */
		private boolean storeArguments = true;

		/**
		 * Number of the latest state changes kept in each task's history, with their times,
		 * attempts and errors. 0 keeps none.
		 */
		private int maxHistory = 50;

		public Type getType() {
			return this.type;
		}

		public void setType(Type type) {
			this.type = type;
		}

		public boolean isStoreArguments() {
			return this.storeArguments;
		}

		public void setStoreArguments(boolean storeArguments) {
			this.storeArguments = storeArguments;
		}

		public int getMaxHistory() {
			return this.maxHistory;
		}

		public void setMaxHistory(int maxHistory) {
			this.maxHistory = maxHistory;
		}

		/**
		 * Kinds of result backend.
		 */
		public enum Type {

			/**
			 * One Redis hash per task, on the broker's Redis.
			 */
			REDIS,

			/**
			 * A table in the application's SQL database, through Spring JDBC.
			 */
			JDBC,

			/**
			 * A collection in the application's MongoDB, through Spring Data MongoDB.
			 */
			MONGO

		}

		private final Mongo mongo = new Mongo();

		public Mongo getMongo() {
			return this.mongo;
		}

		/**
		 * MongoDB result backend settings; the connection itself is configured with
		 * {@code spring.mongodb.*}.
		 */
		public static class Mongo {

			/**
			 * Collection that holds one document per task.
			 */
			private String collection = "gtask_tasks";

			/**
			 * Whether to create the collection's indexes at startup: a TTL index on the expiry
			 * date and one on state and last change.
			 */
			private boolean createIndexes = true;

			public String getCollection() {
				return this.collection;
			}

			public void setCollection(String collection) {
				this.collection = collection;
			}

			public boolean isCreateIndexes() {
				return this.createIndexes;
			}

			public void setCreateIndexes(boolean createIndexes) {
				this.createIndexes = createIndexes;
			}

		}

	}

	/**
	 * Limits of one task name.
	 */
	public static class Limit {

		/**
		 * Most tasks of the name running at once across all instances; 0 for no limit.
		 */
		private int concurrency;

		/**
		 * Most tasks of the name running at once in one instance; 0 for no limit.
		 */
		private int localConcurrency;

		/**
		 * Most tasks of the name started per rate period across all instances; 0 for no limit.
		 */
		private int rate;

		/**
		 * Period of the rate limit.
		 */
		private Duration ratePeriod = Duration.ofSeconds(1);

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public int getLocalConcurrency() {
			return this.localConcurrency;
		}

		public void setLocalConcurrency(int localConcurrency) {
			this.localConcurrency = localConcurrency;
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

	/**
	 * Execution defaults of tasks whose handler and sender choose none.
	 */
	public static class Task {

		/**
		 * Time an attempt may run before it fails with a timeout.
		 */
		private Duration timeout = Duration.ofMinutes(5);

		/**
		 * Number of retries after a failed first attempt.
		 */
		private int maxRetries = 3;

		/**
		 * Exception types that fail a task at once instead of being retried.
		 */
		private List<Class<? extends Throwable>> nonRetryableExceptions = new ArrayList<>();

		private final Backoff backoff = new Backoff();

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public List<Class<? extends Throwable>> getNonRetryableExceptions() {
			return this.nonRetryableExceptions;
		}

		public void setNonRetryableExceptions(List<Class<? extends Throwable>> nonRetryableExceptions) {
			this.nonRetryableExceptions = nonRetryableExceptions;
		}

		public Backoff getBackoff() {
			return this.backoff;
		}

	}

	/**
	 * Exponential back-off between attempts.
	 */
	public static class Backoff {

		/**
		 * Delay before the first retry.
		 */
		private Duration initialInterval = Duration.ofSeconds(1);

		/**
		 * Factor by which each further delay grows.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest delay between two attempts.
		 */
		private Duration maxInterval = Duration.ofMinutes(10);

		/**
		 * Most by which a delay is randomly lengthened or shortened, so that tasks that failed
		 * together do not retry together.
		 */
		private Duration jitter = Duration.ofMillis(100);

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

		public Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(Duration jitter) {
			this.jitter = jitter;
		}

	}

	/**
	 * Consumer container settings.
	 */
	public static class Worker {

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

		public boolean isMdc() {
			return this.mdc;
		}

		public void setMdc(boolean mdc) {
			this.mdc = mdc;
		}

		/**
		 * Weight of each queue in weighted order; queues not listed weigh 1.
		 */
		private Map<String, Integer> queueWeights = new LinkedHashMap<>();

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

	}

	/**
	 * Periodic task settings.
	 */
	public static class Periodic {

		/**
		 * Whether this instance sends periodic tasks: those of @TaskHandler methods with a
		 * cron and those of the schedules below.
		 */
		private boolean enabled = true;

		/**
		 * What to do with the ticks of a schedule that passed while no instance could send
		 * them: skip them, or send one task for the latest of them.
		 */
		private MissedTickPolicy missedTicks = MissedTickPolicy.SKIP;

		/**
		 * Time after its due time within which a tick still counts as on time; older ticks
		 * count as missed.
		 */
		private Duration grace = Duration.ofSeconds(10);

		/**
		 * Periodic tasks defined in configuration, by schedule id.
		 */
		private Map<String, Schedule> schedules = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public MissedTickPolicy getMissedTicks() {
			return this.missedTicks;
		}

		public void setMissedTicks(MissedTickPolicy missedTicks) {
			this.missedTicks = missedTicks;
		}

		public Duration getGrace() {
			return this.grace;
		}

		public void setGrace(Duration grace) {
			this.grace = grace;
		}

		public Map<String, Schedule> getSchedules() {
			return this.schedules;
		}

		public void setSchedules(Map<String, Schedule> schedules) {
			this.schedules = schedules;
		}

	}

	/**
	 * A periodic task defined in configuration.
	 */
	public static class Schedule {

		/**
		 * Name of the task sent at each tick.
		 */
		private @Nullable String task;

		/**
		 * Cron expression whose ticks send the task: six fields, seconds first, or a macro
		 * such as @hourly.
		 */
		private @Nullable String cron;

		/**
		 * Time zone in which the cron expression is evaluated. Defaults to the system default
		 * zone.
		 */
		private @Nullable ZoneId zone;

		/**
		 * Arguments of each task.
		 */
		private List<Object> args = new ArrayList<>();

		/**
		 * Queue the tasks go to. Defaults to the task's route, the queue of its handler, or
		 * the default queue.
		 */
		private @Nullable String queue;

		/**
		 * What to do with ticks that passed while no instance could send them. Defaults to
		 * gtask.periodic.missed-ticks.
		 */
		private @Nullable MissedTickPolicy missedTicks;

		public @Nullable String getTask() {
			return this.task;
		}

		public void setTask(@Nullable String task) {
			this.task = task;
		}

		public @Nullable String getCron() {
			return this.cron;
		}

		public void setCron(@Nullable String cron) {
			this.cron = cron;
		}

		public @Nullable ZoneId getZone() {
			return this.zone;
		}

		public void setZone(@Nullable ZoneId zone) {
			this.zone = zone;
		}

		public List<Object> getArgs() {
			return this.args;
		}

		public void setArgs(List<Object> args) {
			this.args = args;
		}

		public @Nullable String getQueue() {
			return this.queue;
		}

		public void setQueue(@Nullable String queue) {
			this.queue = queue;
		}

		public @Nullable MissedTickPolicy getMissedTicks() {
			return this.missedTicks;
		}

		public void setMissedTicks(@Nullable MissedTickPolicy missedTicks) {
			this.missedTicks = missedTicks;
		}

	}

}
