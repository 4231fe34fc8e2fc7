package io.gtask.autoconfigure;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Function;

import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.redis.RedisResultBackend;
import io.gtask.broker.DeadLetterStore;
import io.gtask.broker.QueueAdmin;
import io.gtask.broker.TaskBroker;
import io.gtask.broker.redis.RedisBrokerContext;
import io.gtask.broker.redis.RedisBrokerSettings;
import io.gtask.broker.redis.RedisDeadLetterStore;
import io.gtask.broker.redis.RedisQueueAdmin;
import io.gtask.broker.redis.RedisTaskBroker;
import io.gtask.client.DefaultDeadLetters;
import io.gtask.client.DefaultTaskQueues;
import io.gtask.client.DefaultTaskClient;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskBatches;
import io.gtask.core.TaskFlows;
import io.gtask.core.TaskLimit;
import io.gtask.durable.LeaderLock;
import io.gtask.durable.TaskReaper;
import io.gtask.durable.redis.RedisLeaderLock;
import io.gtask.flow.BatchTracker;
import io.gtask.flow.FlowAdvancer;
import io.gtask.lifecycle.SharedScheduler;
import io.gtask.core.TaskInterceptor;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskClient;
import io.gtask.browse.DefaultTaskBrowser;
import io.gtask.browse.TaskIndex;
import io.gtask.browse.redis.RedisTaskIndex;
import io.gtask.core.TaskBrowser;
import io.gtask.core.TaskMessageCodec;
import io.gtask.crypto.PayloadCipher;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskUpcaster;
import io.gtask.metrics.TaskMetrics;
import io.gtask.progress.ProgressStore;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.gtask.registry.TaskHandlerAnnotationBeanPostProcessor;
import io.gtask.registry.TaskRegistry;
import io.gtask.registry.TaskVersions;
import io.gtask.send.TaskRouter;
import io.gtask.send.TaskSender;
import io.gtask.send.redis.RedisSendPipeline;
import io.gtask.worker.TaskContainer;
import io.gtask.worker.TaskContainerSettings;
import io.gtask.worker.TaskDefaults;
import io.micrometer.observation.ObservationRegistry;
import io.gtask.worker.WorkerRegistry;
import io.gtask.worker.redis.RedisWorkerRegistry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.thread.Threading;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration of gtask: a Redis broker and result backend on the application's
 * {@link RedisConnectionFactory}, the task registry filled from {@code @TaskHandler} methods, a
 * {@link TaskClient} and, unless {@code gtask.worker.enabled=false}, a consumer container.
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class })
@ConditionalOnClass({ TaskClient.class, LettuceConnectionFactory.class })
@EnableConfigurationProperties(GTaskProperties.class)
@ConditionalOnMissingBean(type = "io.gtask.testing.InProcessTasks")
public final class GTaskAutoConfiguration {

	/**
	 * Name of the executor bean that runs task handlers, which a user may define instead.
	 */
	public static final String WORKER_EXECUTOR_BEAN_NAME = "gtaskWorkerExecutor";

	@Bean
	static TaskHandlerAnnotationBeanPostProcessor gtaskTaskHandlerAnnotationBeanPostProcessor() {
		return new TaskHandlerAnnotationBeanPostProcessor();
	}

	/**
	 * The scheduler of the timers of gtask's components (statistics, reaper, cleanup of the
	 * JDBC backend), closed by the context after them.
	 */
	@Bean
	@ConditionalOnMissingBean
	SharedScheduler gtaskSharedScheduler() {
		return new SharedScheduler();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskRegistry taskRegistry() {
		return new TaskRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskMessageCodec taskMessageCodec(ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<PayloadCipher> cipher) {
		return new TaskMessageCodec(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				cipher.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean
	TaskRouter taskRouter(GTaskProperties properties, TaskRegistry registry) {
		return router(properties, registry);
	}

	/**
	 * The router of the properties, for configurations that may find no router bean.
	 */
	static TaskRouter router(GTaskProperties properties, TaskRegistry registry) {
		return new TaskRouter(properties.getDefaultQueue(), properties.getRoutes(), registry);
	}

	/**
	 * The versions of task names and the upcasters between them, checked once every singleton
	 * exists; the upcasters are asked for only then, so that they may depend on any bean.
	 */
	@Bean
	@ConditionalOnMissingBean
	TaskVersions taskVersions(TaskRegistry registry, GTaskProperties properties, ListableBeanFactory beanFactory) {
		return new TaskVersions(registry, properties.getVersions().getTasks(),
				() -> beanFactory.getBeansOfType(TaskUpcaster.class));
	}

	@Bean
	@ConditionalOnMissingBean
	TaskSender taskSender(TaskBroker taskBroker, ResultBackend resultBackend, TaskMessageCodec codec,
			TaskRouter router, TaskVersions versions, GTaskProperties properties, ObjectProvider<TaskMetrics> metrics,
			ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<TaskSenderCustomizer> customizers) {
		TaskSender sender = new TaskSender(taskBroker, resultBackend, codec, router,
				properties.getMessage().getMaxPayloadSize());
		PropertyMapper map = PropertyMapper.get();
		map.from(properties.getDurable()::isEnabled).to(sender::setDurable);
		map.from(properties.getBackend()::isStoreArguments).to(sender::setStoreArguments);
		map.from(properties.getSend()::getInTransaction)
			.as((mode) -> (mode == GTaskProperties.Send.InTransaction.IMMEDIATE) ? TaskRequest.InTransaction.IMMEDIATE
					: TaskRequest.InTransaction.AFTER_COMMIT)
			.to(sender::setInTransaction);
		sender.setMetrics(taskMetrics(metrics));
		sender.setVersions(versions);
		sender.setPipeline(RedisSendPipeline.of(resultBackend, taskBroker));
		map.from(properties.getObservation()::isEnabled)
			.whenTrue()
			.toCall(() -> observationRegistry.ifAvailable(sender::setObservationRegistry));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(sender));
		return sender;
	}

	@Bean
	@ConditionalOnMissingBean(TaskClient.class)
	DefaultTaskClient taskClient(TaskSender sender, TaskBroker taskBroker, QueueAdmin queueAdmin,
			ResultBackend resultBackend, TaskMessageCodec codec, ObjectProvider<TaskFlows> flows,
			ObjectProvider<ProgressStore> progress, ObjectProvider<TaskBatches> batches) {
		DefaultTaskClient client = new DefaultTaskClient(sender, taskBroker, queueAdmin, resultBackend, codec);
		flows.ifAvailable(client::setFlows);
		batches.ifAvailable(client::setBatches);
		progress.ifAvailable(client::setProgressStore);
		return client;
	}

	@Bean
	@ConditionalOnBean({ QueueAdmin.class, TaskIndex.class })
	@ConditionalOnMissingBean(TaskBrowser.class)
	DefaultTaskBrowser taskBrowser(QueueAdmin queueAdmin, TaskQueues taskQueues, TaskIndex taskIndex,
			ResultBackend resultBackend, TaskMessageCodec codec) {
		return new DefaultTaskBrowser(queueAdmin, taskQueues, taskIndex, resultBackend, codec);
	}

	@Bean
	@ConditionalOnBean(QueueAdmin.class)
	@ConditionalOnMissingBean(TaskQueues.class)
	DefaultTaskQueues taskQueues(QueueAdmin queueAdmin, TaskMessageCodec codec) {
		return new DefaultTaskQueues(queueAdmin, codec);
	}

	@Bean
	@ConditionalOnBean(DeadLetterStore.class)
	@ConditionalOnMissingBean(DeadLetters.class)
	DefaultDeadLetters deadLetters(DeadLetterStore deadLetterStore, TaskSender sender, TaskMessageCodec codec,
			GTaskProperties properties) {
		DefaultDeadLetters deadLetters = new DefaultDeadLetters(deadLetterStore, sender, codec);
		PropertyMapper.get().from(properties.getMessage()::getMaxPayloadSize).to(deadLetters::setMaxPayloadSize);
		return deadLetters;
	}

	/**
	 * All the {@link TaskMetrics} beans as one, so that metrics of one's own add to gtask's
	 * Micrometer metrics rather than making a single bean ambiguous.
	 */
	static TaskMetrics taskMetrics(ObjectProvider<TaskMetrics> metrics) {
		return TaskMetrics.composite(metrics.orderedStream().toList());
	}

	/**
	 * The limits of task names configured with {@code gtask.limits.*}.
	 */
	static Map<String, TaskLimit> configuredLimits(GTaskProperties properties) {
		return taskLimits(properties.getLimits());
	}

	static TaskLimit groupLimit(GTaskProperties.Groups groups) {
		if (groups.getConcurrency() < 0) {
			throw new IllegalArgumentException(
					"gtask.groups.concurrency must not be negative, but is " + groups.getConcurrency());
		}
		if (groups.getRate() < 0) {
			throw new IllegalArgumentException("gtask.groups.rate must not be negative, but is " + groups.getRate());
		}
		if (groups.getRate() > 0 && (groups.getRatePeriod() == null || groups.getRatePeriod().toMillis() <= 0)) {
			throw new IllegalArgumentException(
					"gtask.groups.rate-period must be positive with gtask.groups.rate, but is " + groups.getRatePeriod());
		}
		return new TaskLimit(groups.getConcurrency(), 0, groups.getRate(),
				(groups.getRate() > 0) ? groups.getRatePeriod() : null);
	}

	private static Map<String, TaskLimit> taskLimits(Map<String, LimitProperties> limits) {
		Map<String, TaskLimit> taskLimits = new LinkedHashMap<>();
		limits.forEach((name, limit) -> taskLimits.put(name, new TaskLimit(limit.getConcurrency(),
				limit.getLocalConcurrency(), limit.getRate(), limit.getRatePeriod())));
		return taskLimits;
	}

	/**
	 * The Redis broker with its queue administration and dead letter store, all three on one
	 * {@link RedisBrokerContext}; none of them when the application has a broker of its own,
	 * which brings its own {@link QueueAdmin} and {@link DeadLetterStore} if it has them.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(TaskBroker.class)
	static class RedisBrokerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisBrokerContext gtaskRedisBrokerContext(RedisConnectionFactory connectionFactory,
				GTaskProperties properties, TaskRegistry registry) {
			RedisBrokerSettings settings = RedisBrokerSettings.defaults()
				.withDeadLetters(properties.getDeadLetter().getMaxSize(), properties.getDeadLetter().getMaxAge())
				.withLeaseTime(properties.getWorker().getVisibilityTimeout())
				.withTracking(properties.getDurable().isEnabled())
				.withTaskLimits(new RegisteredTaskLimits(registry, configuredLimits(properties)))
				.withGroupLimit(groupLimit(properties.getGroups()));
			return new RedisBrokerContext(RedisConfiguration.redisAsync(connectionFactory, properties),
					new RedisKeyspace(properties.getKeyPrefix()), settings);
		}

		@Bean
		RedisTaskBroker taskBroker(RedisBrokerContext context) {
			return new RedisTaskBroker(context);
		}

		@Bean
		@ConditionalOnMissingBean(QueueAdmin.class)
		RedisQueueAdmin queueAdmin(RedisBrokerContext context) {
			return new RedisQueueAdmin(context);
		}

		@Bean
		@ConditionalOnMissingBean(DeadLetterStore.class)
		RedisDeadLetterStore deadLetterStore(RedisBrokerContext context) {
			return new RedisDeadLetterStore(context);
		}

		@Bean
		@ConditionalOnMissingBean(TaskIndex.class)
		RedisTaskIndex gtaskTaskIndex(RedisBrokerContext context, GTaskProperties properties) {
			return new RedisTaskIndex(context.getRedis(), context.getKeyspace(),
					properties.getBrowse().getMaxSucceeded(), properties.getBrowse().getMaxFailed());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RedisConfiguration {

		@Bean
		@ConditionalOnMissingBean(ResultBackend.class)
		@ConditionalOnProperty(prefix = "gtask.backend", name = "type", havingValue = "redis", matchIfMissing = true)
		RedisResultBackend resultBackend(RedisConnectionFactory connectionFactory, GTaskProperties properties) {
			RedisResultBackend backend = new RedisResultBackend(redisAsync(connectionFactory, properties),
					new RedisKeyspace(properties.getKeyPrefix()), properties.getResult().getTtl(),
					properties.getResult().getPollInterval());
			PropertyMapper.get().from(properties.getBackend()::getMaxHistory).to(backend::setMaxHistory);
			return backend;
		}

		@Bean
		@ConditionalOnMissingBean(WorkerRegistry.class)
		RedisWorkerRegistry workerRegistry(RedisConnectionFactory connectionFactory, GTaskProperties properties) {
			return new RedisWorkerRegistry(redisAsync(connectionFactory, properties),
					new RedisKeyspace(properties.getKeyPrefix()));
		}

		private static RedisAsync redisAsync(RedisConnectionFactory connectionFactory, GTaskProperties properties) {
			if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
				throw new IllegalStateException("gtask's Redis broker and backend need Lettuce, but the "
						+ "RedisConnectionFactory is a " + connectionFactory.getClass().getName()
						+ "; use spring.data.redis.client-type=lettuce or define your own TaskBroker and ResultBackend");
			}
			return new RedisAsync(lettuce, properties.getRedis().getTimeout());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(prefix = "gtask.durable", name = "enabled", havingValue = "true")
	static class DurableConfiguration {

		@Bean
		@ConditionalOnMissingBean
		TaskReaper taskReaper(ResultBackend resultBackend, TaskBroker taskBroker, TaskSender sender,
				TaskMessageCodec codec, RedisConnectionFactory connectionFactory, GTaskProperties properties,
				SharedScheduler scheduler) {
			if (!(resultBackend instanceof DurableResultBackend durableBackend)) {
				throw new IllegalStateException("gtask.durable.enabled=true needs a result backend that keeps task "
						+ "messages (gtask.backend.type=jdbc or mongo), but the backend is "
						+ resultBackend.getClass().getName());
			}
			if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
				throw new IllegalStateException("The reaper of durable mode needs Lettuce");
			}
			DurableProperties.Reaper reaper = properties.getDurable().getReaper();
			LeaderLock lock = new RedisLeaderLock(new RedisAsync(lettuce, properties.getRedis().getTimeout()),
					properties.getKeyPrefix() + ":reaper");
			TaskReaper taskReaper = new TaskReaper(durableBackend, taskBroker, sender, codec, lock,
					new TaskReaper.Settings(reaper.getPeriod(), reaper.getTimeout(), reaper.getBatchSize(),
							reaper.getPolicy(), WorkerConfiguration.defaultConsumerName()));
			taskReaper.setTaskScheduler(scheduler.getTaskScheduler());
			return taskReaper;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(prefix = "gtask.worker", name = "enabled", havingValue = "true", matchIfMissing = true)
	static class WorkerConfiguration {

		/**
		 * Spring Boot's default of {@code spring.lifecycle.timeout-per-shutdown-phase}.
		 */
		private static final Duration DEFAULT_SHUTDOWN_PHASE_TIMEOUT = Duration.ofSeconds(30);

		@Bean
		@ConditionalOnMissingBean
		TaskContainer taskContainer(TaskBroker taskBroker, ResultBackend resultBackend, TaskRegistry registry,
				TaskMessageCodec codec, TaskSender sender, TaskVersions versions, GTaskProperties properties,
				@Qualifier(WORKER_EXECUTOR_BEAN_NAME) ObjectProvider<Executor> workerExecutor,
				ObjectProvider<TaskInterceptor> interceptors, ObjectProvider<TaskMetrics> metrics,
				ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<WorkerRegistry> workerRegistry,
				ObjectProvider<TaskContainerCustomizer> customizers, ObjectProvider<FlowAdvancer> flowAdvancer,
				ObjectProvider<ProgressStore> progressStore, ObjectProvider<BatchTracker> batchTracker,
				ObjectProvider<TaskIndex> taskIndex, Environment environment) {
			WorkerProperties worker = properties.getWorker();
			PropertyMapper map = PropertyMapper.get();
			String consumerName = map.from(worker::getConsumerName)
				.orFrom(WorkerConfiguration::defaultConsumerName)
				.toInstance(Function.identity());
			TaskContainerSettings settings = new TaskContainerSettings(List.copyOf(worker.getQueues()),
					worker.getConcurrency(), worker.getBatchSize(), worker.getPollTimeout(), worker.getPromoteInterval(),
					worker.getShutdownTimeout(), consumerName, worker.getVisibilityTimeout(), worker.getMaxDeliveries(),
					worker.getReclaimInterval());
			TaskContainer container = new TaskContainer(taskBroker, resultBackend, registry, codec, settings,
					taskDefaults(properties.getTask()), sender);
			map.from(worker::isAutoStartup).to(container::setAutoStartup);
			container.setShutdownPhaseTimeout(shutdownPhaseTimeout(environment));
			container.setQueueOrder(worker.getQueueOrder(), worker.getQueueWeights());
			map.from(properties::getLimits).as(GTaskAutoConfiguration::taskLimits).to(container::setTaskLimits);
			map.from(properties.getDurable()::isEnabled).to(container::setDurable);
			map.from(properties.getMessage()::getMaxPayloadSize).to(container::setMaxPayloadSize);
			container.setVersions(versions, properties.getVersions().getFutureHandBackWindow(),
					properties.getVersions().getFutureHandBackDelay());
			container.setInterceptors(interceptors.orderedStream().toList());
			map.from(worker::isMdc).to(container::setMdcEnabled);
			container.setMetrics(taskMetrics(metrics));
			map.from(properties.getObservation()::isEnabled)
				.whenTrue()
				.toCall(() -> observationRegistry.ifAvailable(container::setObservationRegistry));
			Executor executor = workerExecutor.getIfAvailable();
			if (executor == null && Threading.VIRTUAL.isActive(environment)) {
				// as Boot's own executors do with spring.threads.virtual.enabled=true on Java 21 and later
				executor = virtualThreads();
			}
			if (executor != null) {
				container.setWorkerExecutor(executor);
			}
			workerRegistry.ifAvailable(container::setWorkerRegistry);
			flowAdvancer.ifAvailable(container::setFlowAdvancer);
			batchTracker.ifAvailable(container::setBatchTracker);
			progressStore.ifAvailable(container::setProgressStore);
			taskIndex.ifAvailable(container::setTaskIndex);
			customizers.orderedStream().forEach((customizer) -> customizer.customize(container));
			return container;
		}

		/**
		 * An executor that runs each handler on a virtual thread of its own, named
		 * {@code gtask-worker-<n>}; the container's concurrency bounds how many run.
		 */
		private static Executor virtualThreads() {
			SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("gtask-worker-");
			executor.setVirtualThreads(true);
			return executor;
		}

		/**
		 * The time the context waits for each phase of lifecycle beans to stop, as Spring Boot's
		 * lifecycle processor is configured.
		 */
		private static Duration shutdownPhaseTimeout(Environment environment) {
			return Binder.get(environment)
				.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
				.orElse(DEFAULT_SHUTDOWN_PHASE_TIMEOUT);
		}

		private static TaskDefaults taskDefaults(TaskProperties task) {
			TaskProperties.Backoff backoff = task.getBackoff();
			return new TaskDefaults(task.getTimeout(), task.getMaxRetries(), backoff.getInitialInterval(),
					backoff.getMultiplier(), backoff.getMaxInterval(), backoff.getJitter(),
					List.copyOf(task.getNonRetryableExceptions()));
		}

		static String defaultConsumerName() {
			String host;
			try {
				host = InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				host = "unknown-host";
			}
			return host + ":" + ManagementFactory.getRuntimeMXBean().getPid() + ":"
					+ UUID.randomUUID().toString().substring(0, 8);
		}

	}

}
