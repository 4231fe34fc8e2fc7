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

import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.redis.RedisResultBackend;
import io.gtask.broker.TaskBroker;
import io.gtask.broker.TaskLimit;
import io.gtask.broker.redis.RedisTaskBroker;
import io.gtask.client.DefaultDeadLetters;
import io.gtask.client.DefaultTaskQueues;
import io.gtask.client.DefaultTaskClient;
import io.gtask.core.DeadLetters;
import io.gtask.durable.LeaderLock;
import io.gtask.durable.TaskReaper;
import io.gtask.durable.redis.RedisLeaderLock;
import io.gtask.core.TaskInterceptor;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskMessageCodec;
import io.gtask.metrics.TaskMetrics;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.gtask.registry.TaskHandlerAnnotationBeanPostProcessor;
import io.gtask.registry.TaskRegistry;
import io.gtask.send.TaskRouter;
import io.gtask.send.TaskSender;
import io.gtask.send.redis.RedisSendPipeline;
import io.gtask.worker.TaskContainer;
import io.gtask.worker.TaskContainerSettings;
import io.gtask.worker.TaskDefaults;
import io.micrometer.observation.ObservationRegistry;
import io.gtask.worker.WorkerRegistry;
import io.gtask.worker.redis.RedisWorkerRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
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
public final class GTaskAutoConfiguration {

	/**
	 * Name of the executor bean that runs task handlers, which a user may define instead.
	 */
	public static final String WORKER_EXECUTOR_BEAN_NAME = "gtaskWorkerExecutor";

	@Bean
	static TaskHandlerAnnotationBeanPostProcessor gtaskTaskHandlerAnnotationBeanPostProcessor() {
		return new TaskHandlerAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskRegistry taskRegistry() {
		return new TaskRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	TaskMessageCodec taskMessageCodec(ObjectProvider<JsonMapper> jsonMapper) {
		return new TaskMessageCodec(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
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

	@Bean
	@ConditionalOnMissingBean
	TaskSender taskSender(TaskBroker taskBroker, ResultBackend resultBackend, TaskMessageCodec codec,
			TaskRouter router, GTaskProperties properties, ObjectProvider<TaskMetrics> metrics,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		TaskSender sender = new TaskSender(taskBroker, resultBackend, codec, router,
				properties.getMessage().getMaxPayloadSize());
		sender.setDurable(properties.getDurable().isEnabled());
		sender.setStoreArguments(properties.getBackend().isStoreArguments());
		sender.setMetrics(taskMetrics(metrics));
		sender.setPipeline(RedisSendPipeline.of(resultBackend, taskBroker));
		if (properties.getObservation().isEnabled()) {
			observationRegistry.ifAvailable(sender::setObservationRegistry);
		}
		return sender;
	}

	@Bean
	@ConditionalOnMissingBean(TaskClient.class)
	DefaultTaskClient taskClient(TaskSender sender, TaskBroker taskBroker, ResultBackend resultBackend,
			TaskMessageCodec codec) {
		return new DefaultTaskClient(sender, taskBroker, resultBackend, codec);
	}

	@Bean
	@ConditionalOnMissingBean(TaskQueues.class)
	DefaultTaskQueues taskQueues(TaskBroker taskBroker, TaskMessageCodec codec) {
		return new DefaultTaskQueues(taskBroker, codec);
	}

	@Bean
	@ConditionalOnMissingBean(DeadLetters.class)
	DefaultDeadLetters deadLetters(TaskBroker taskBroker, TaskSender sender, TaskMessageCodec codec,
			GTaskProperties properties) {
		DefaultDeadLetters deadLetters = new DefaultDeadLetters(taskBroker, sender, codec);
		deadLetters.setMaxPayloadSize(properties.getMessage().getMaxPayloadSize());
		return deadLetters;
	}

	/**
	 * All the {@link TaskMetrics} beans as one, so that metrics of one's own add to gtask's
	 * Micrometer metrics rather than making a single bean ambiguous.
	 */
	static TaskMetrics taskMetrics(ObjectProvider<TaskMetrics> metrics) {
		return TaskMetrics.composite(metrics.orderedStream().toList());
	}

	@Configuration(proxyBeanMethods = false)
	static class RedisConfiguration {

		@Bean
		@ConditionalOnMissingBean(TaskBroker.class)
		RedisTaskBroker taskBroker(RedisConnectionFactory connectionFactory, GTaskProperties properties) {
			RedisTaskBroker broker = new RedisTaskBroker(redisAsync(connectionFactory, properties),
					new RedisKeyspace(properties.getKeyPrefix()), properties.getDeadLetter().getMaxSize(),
					properties.getDeadLetter().getMaxAge());
			broker.setLeaseTime(properties.getWorker().getVisibilityTimeout());
			broker.setTracking(properties.getDurable().isEnabled());
			return broker;
		}

		@Bean
		@ConditionalOnMissingBean(ResultBackend.class)
		@ConditionalOnProperty(prefix = "gtask.backend", name = "type", havingValue = "redis", matchIfMissing = true)
		RedisResultBackend resultBackend(RedisConnectionFactory connectionFactory, GTaskProperties properties) {
			RedisResultBackend backend = new RedisResultBackend(redisAsync(connectionFactory, properties),
					new RedisKeyspace(properties.getKeyPrefix()), properties.getResult().getTtl(),
					properties.getResult().getPollInterval());
			backend.setMaxHistory(properties.getBackend().getMaxHistory());
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
				TaskMessageCodec codec, RedisConnectionFactory connectionFactory, GTaskProperties properties) {
			if (!(resultBackend instanceof DurableResultBackend durableBackend)) {
				throw new IllegalStateException("gtask.durable.enabled=true needs a result backend that keeps task "
						+ "messages (gtask.backend.type=jdbc or mongo), but the backend is "
						+ resultBackend.getClass().getName());
			}
			if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
				throw new IllegalStateException("The reaper of durable mode needs Lettuce");
			}
			GTaskProperties.Reaper reaper = properties.getDurable().getReaper();
			LeaderLock lock = new RedisLeaderLock(new RedisAsync(lettuce, properties.getRedis().getTimeout()),
					properties.getKeyPrefix() + ":reaper");
			return new TaskReaper(durableBackend, taskBroker, sender, codec, lock,
					new TaskReaper.Settings(reaper.getPeriod(), reaper.getTimeout(), reaper.getBatchSize(),
							reaper.getPolicy(), WorkerConfiguration.defaultConsumerName()));
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
				TaskMessageCodec codec, TaskSender sender, GTaskProperties properties,
				@Qualifier(WORKER_EXECUTOR_BEAN_NAME) ObjectProvider<Executor> workerExecutor,
				ObjectProvider<TaskInterceptor> interceptors, ObjectProvider<TaskMetrics> metrics,
				ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<WorkerRegistry> workerRegistry,
				Environment environment) {
			GTaskProperties.Worker worker = properties.getWorker();
			TaskContainerSettings settings = new TaskContainerSettings(List.copyOf(worker.getQueues()),
					worker.getConcurrency(), worker.getBatchSize(),
					worker.getPollTimeout(), worker.getPromoteInterval(), worker.getShutdownTimeout(),
					(worker.getConsumerName() != null) ? worker.getConsumerName() : defaultConsumerName(),
					worker.getVisibilityTimeout(), worker.getMaxDeliveries(), worker.getReclaimInterval());
			TaskContainer container = new TaskContainer(taskBroker, resultBackend, registry, codec, settings,
					taskDefaults(properties.getTask()), sender);
			container.setAutoStartup(worker.isAutoStartup());
			container.setShutdownPhaseTimeout(shutdownPhaseTimeout(environment));
			container.setQueueOrder(worker.getQueueOrder(), worker.getQueueWeights());
			Map<String, TaskLimit> limits = new LinkedHashMap<>();
			properties.getLimits()
				.forEach((name, limit) -> limits.put(name, new TaskLimit(limit.getConcurrency(),
						limit.getLocalConcurrency(), limit.getRate(), limit.getRatePeriod())));
			container.setTaskLimits(limits);
			container.setDurable(properties.getDurable().isEnabled());
			container.setMaxPayloadSize(properties.getMessage().getMaxPayloadSize());
			container.setInterceptors(interceptors.orderedStream().toList());
			container.setMdcEnabled(worker.isMdc());
			container.setMetrics(taskMetrics(metrics));
			if (properties.getObservation().isEnabled()) {
				observationRegistry.ifAvailable(container::setObservationRegistry);
			}
			workerExecutor.ifAvailable(container::setWorkerExecutor);
			workerRegistry.ifAvailable(container::setWorkerRegistry);
			return container;
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

		private static TaskDefaults taskDefaults(GTaskProperties.Task task) {
			GTaskProperties.Backoff backoff = task.getBackoff();
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
