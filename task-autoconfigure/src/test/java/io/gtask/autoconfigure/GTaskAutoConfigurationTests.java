package io.gtask.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.TaskHistory;
import io.gtask.backend.redis.RedisResultBackend;
import io.gtask.broker.DeadLetterStore;
import io.gtask.broker.QueueAdmin;
import io.gtask.broker.TaskBroker;
import io.gtask.core.TaskLimit;
import io.gtask.broker.redis.RedisBrokerContext;
import io.gtask.broker.redis.RedisDeadLetterStore;
import io.gtask.broker.redis.RedisQueueAdmin;
import io.gtask.broker.redis.RedisTaskBroker;
import io.gtask.client.DefaultTaskClient;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskLimit;
import io.gtask.core.TaskMessageCodec;
import io.gtask.registry.TaskHandlerAnnotationBeanPostProcessor;
import io.gtask.registry.TaskRegistry;
import io.gtask.send.TaskRouter;
import io.gtask.send.TaskSender;
import io.gtask.send.redis.RedisSendPipeline;
import io.gtask.worker.TaskContainer;
import io.gtask.worker.TaskDefaults;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Conditions, back-off and properties of {@link GTaskAutoConfiguration}. The contexts are
 * refreshed without starting the container, so no Redis is needed here.
 */
class GTaskAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				GTaskAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1")
		.withBean("noAutoStartup", NoAutoStartup.class);

	@Test
	void createsTheRedisBrokerBackendClientRegistryAndContainer() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RedisTaskBroker.class);
			assertThat(context).hasSingleBean(RedisQueueAdmin.class);
			assertThat(context).hasSingleBean(RedisDeadLetterStore.class);
			assertThat(context).hasSingleBean(RedisResultBackend.class);
			assertThat(context).hasSingleBean(DefaultTaskClient.class);
			assertThat(context).hasSingleBean(TaskRegistry.class);
			assertThat(context).hasSingleBean(TaskMessageCodec.class);
			assertThat(context).hasSingleBean(TaskContainer.class);
			assertThat(context).hasSingleBean(TaskHandlerAnnotationBeanPostProcessor.class);
			assertThat(context).hasSingleBean(io.gtask.core.DeadLetters.class);
			assertThat(context).hasSingleBean(io.gtask.core.TaskQueues.class);
		});
	}

	@Test
	void backsOffForAUserTaskQueues() {
		io.gtask.core.TaskQueues queues = mock(io.gtask.core.TaskQueues.class);
		this.runner.withBean("userQueues", io.gtask.core.TaskQueues.class, () -> queues)
			.run((context) -> assertThat(context.getBean(io.gtask.core.TaskQueues.class)).isSameAs(queues));
	}

	@Test
	void bindsQueueOrderAndLimits() {
		this.runner
			.withPropertyValues("gtask.worker.queue-order=strict", "gtask.worker.queue-weights.critical=5",
					"gtask.limits.report.concurrency=3", "gtask.limits.report.local-concurrency=1",
					"gtask.limits.mail.rate=100", "gtask.limits.mail.rate-period=1m",
					"gtask.worker.visibility-timeout=20s")
			.run((context) -> {
				TaskContainer container = context.getBean(TaskContainer.class);
				assertThat(container).extracting("queueOrder").isEqualTo(io.gtask.worker.QueueOrder.STRICT);
				assertThat(container).extracting("queueWeights").isEqualTo(java.util.Map.of("critical", 5));
				assertThat(container).extracting("configuredLimits")
					.isEqualTo(java.util.Map.of("report", new TaskLimit(3, 1, 0, Duration.ofSeconds(1)),
							"mail", new TaskLimit(0, 0, 100, Duration.ofMinutes(1))));
				assertThat(context.getBean(RedisBrokerContext.class).getSettings().leaseTime())
					.isEqualTo(Duration.ofSeconds(20));
				assertThat(context.getBean(RedisBrokerContext.class).getSettings().taskLimits().get())
					.isEqualTo(java.util.Map.of("report", new TaskLimit(3, 1, 0, Duration.ofSeconds(1)), "mail",
							new TaskLimit(0, 0, 100, Duration.ofMinutes(1))));
			});
	}

	@Test
	void brokerIsGivenTheLimitsOfHandlersOverriddenByConfiguredOnes() {
		this.runner.withPropertyValues("gtask.limits.capped.concurrency=5").run((context) -> {
			TaskRegistry registry = context.getBean(TaskRegistry.class);
			java.util.function.Supplier<java.util.Map<String, TaskLimit>> limits = context
				.getBean(RedisBrokerContext.class)
				.getSettings()
				.taskLimits();
			java.util.Map<String, TaskLimit> before = limits.get();
			assertThat(limits.get()).isSameAs(before);
			registry.register(limitedHandler("capped", new TaskLimit(1, 0, 0, null)));
			registry.register(limitedHandler("single", new TaskLimit(1, 0, 0, null)));
			registry.register(limitedHandler("free", new TaskLimit(0, 0, 0, null)));
			assertThat(limits.get()).isEqualTo(java.util.Map.of("capped", new TaskLimit(5, 0, 0, Duration.ofSeconds(1)),
					"single", new TaskLimit(1, 0, 0, null)));
		});
	}

	@Test
	void backsOffForAUserQueueAdminAndDeadLetterStore() {
		QueueAdmin admin = mock(QueueAdmin.class);
		DeadLetterStore store = mock(DeadLetterStore.class);
		this.runner.withBean("userAdmin", QueueAdmin.class, () -> admin)
			.withBean("userStore", DeadLetterStore.class, () -> store)
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisTaskBroker.class);
				assertThat(context.getBean(QueueAdmin.class)).isSameAs(admin);
				assertThat(context.getBean(DeadLetterStore.class)).isSameAs(store);
				assertThat(context).hasSingleBean(io.gtask.core.TaskQueues.class);
				assertThat(context).hasSingleBean(io.gtask.core.DeadLetters.class);
			});
	}

	@Test
	@SuppressWarnings("unchecked")
	void aUserBrokerBringsItsOwnQueueAdminAndDeadLetterStore() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisBrokerContext.class);
			assertThat(context).doesNotHaveBean(QueueAdmin.class);
			assertThat(context).doesNotHaveBean(DeadLetterStore.class);
			assertThat(context).doesNotHaveBean(io.gtask.core.TaskQueues.class);
			assertThat(context).doesNotHaveBean(io.gtask.core.DeadLetters.class);
		});
		TaskBroker all = mock(TaskBroker.class,
				org.mockito.Mockito.withSettings().extraInterfaces(QueueAdmin.class, DeadLetterStore.class));
		// declared with its class, so that the conditions see all it implements
		this.runner.withBean("userBroker", (Class<TaskBroker>) all.getClass(), () -> all).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisBrokerContext.class);
			assertThat(context.getBean(QueueAdmin.class)).isSameAs(all);
			assertThat(context.getBean(DeadLetterStore.class)).isSameAs(all);
			assertThat(context).hasSingleBean(io.gtask.core.TaskQueues.class);
			assertThat(context).hasSingleBean(io.gtask.core.DeadLetters.class);
			assertThat(context).hasSingleBean(TaskClient.class);
		});
	}

	@Test
	void codecUsesACopyOfTheApplicationsJsonMapperWithItsSettings() {
		this.runner.withPropertyValues("spring.jackson.serialization.indent-output=true").run((context) -> {
			JsonMapper codecMapper = context.getBean(TaskMessageCodec.class).getJsonMapper();
			assertThat(codecMapper).isNotSameAs(context.getBean(JsonMapper.class));
			assertThat(codecMapper.isEnabled(tools.jackson.databind.SerializationFeature.INDENT_OUTPUT)).isTrue();
		});
	}

	@Test
	void producerOnlyInstanceHasNoContainer() {
		this.runner.withPropertyValues("gtask.worker.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(TaskContainer.class);
			assertThat(context).hasSingleBean(TaskClient.class);
		});
	}

	@Test
	void backsOffForUserBeans() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context.getBean(TaskBroker.class)).isSameAs(context.getBean("userBroker"));
			assertThat(context.getBean(ResultBackend.class)).isSameAs(context.getBean("userBackend"));
			assertThat(context.getBean(TaskClient.class)).isSameAs(context.getBean("userClient"));
			assertThat(context.getBean(TaskMessageCodec.class)).isSameAs(context.getBean("userCodec"));
			assertThat(context.getBean(TaskRegistry.class)).isSameAs(context.getBean("userRegistry"));
			assertThat(context).doesNotHaveBean(RedisTaskBroker.class);
			assertThat(context).doesNotHaveBean(RedisResultBackend.class);
		});
	}

	@Test
	void sendsTasksWithGeneratedIdsInOneRoundTripOnlyOnTheRedisBrokerAndBackend() {
		this.runner.run((context) -> {
			assertThat(context.getBean(TaskSender.class)).extracting("writer.pipeline")
				.isInstanceOf(RedisSendPipeline.class);
			assertThat(context.getBean(TaskSender.class).getRouter()).isSameAs(context.getBean(TaskRouter.class));
		});
		this.runner.withUserConfiguration(UserBeans.class)
			.run((context) -> assertThat(context.getBean(TaskSender.class)).extracting("writer.pipeline").isNull());
	}

	@Test
	void backsOffForAUserContainer() {
		this.runner.withUserConfiguration(UserContainer.class)
			.run((context) -> assertThat(context.getBean(TaskContainer.class))
				.isSameAs(context.getBean("userContainer")));
	}

	@Test
	void usesTheWorkerExecutorBeanWhenDefined() {
		this.runner.withUserConfiguration(UserExecutor.class).run((context) -> {
			TaskContainer container = context.getBean(TaskContainer.class);
			assertThat(container).extracting("workerExecutor").isSameAs(context.getBean("gtaskWorkerExecutor"));
		});
	}

	@Test
	void bindsWorkerProperties() {
		this.runner
			.withPropertyValues("gtask.worker.concurrency=7", "gtask.worker.batch-size=3", "gtask.worker.queues=a,b",
					"gtask.worker.poll-timeout=250ms", "gtask.worker.promote-interval=50ms",
					"gtask.worker.shutdown-timeout=9s", "gtask.worker.consumer-name=worker-1",
					"gtask.worker.visibility-timeout=20s", "gtask.worker.max-deliveries=3",
					"gtask.worker.reclaim-interval=2s",
					"gtask.default-queue=main")
			.run((context) -> {
				TaskContainer container = context.getBean(TaskContainer.class);
				assertThat(container.getSettings().concurrency()).isEqualTo(7);
				assertThat(container.getSettings().batchSize()).isEqualTo(3);
				assertThat(container.getSettings().queues()).containsExactly("a", "b");
				assertThat(context.getBean(TaskRouter.class).getDefaultQueue()).isEqualTo("main");
				assertThat(container.getSettings().pollTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(container.getSettings().promoteInterval()).isEqualTo(Duration.ofMillis(50));
				assertThat(container.getSettings().shutdownTimeout()).isEqualTo(Duration.ofSeconds(9));
				assertThat(container.getSettings().consumerName()).isEqualTo("worker-1");
				assertThat(container.getSettings().visibilityTimeout()).isEqualTo(Duration.ofSeconds(20));
				assertThat(container.getSettings().maxDeliveries()).isEqualTo(3);
				assertThat(container.getSettings().reclaimInterval()).isEqualTo(Duration.ofSeconds(2));
			});
	}

	@Test
	void bindsTaskDefaults() {
		this.runner
			.withPropertyValues("gtask.task.timeout=42s", "gtask.task.max-retries=9",
					"gtask.task.backoff.initial-interval=2s", "gtask.task.backoff.multiplier=3",
					"gtask.task.backoff.max-interval=1m", "gtask.task.backoff.jitter=0ms",
					"gtask.task.non-retryable-exceptions=java.lang.IllegalArgumentException")
			.run((context) -> assertThat(context.getBean(TaskContainer.class)).extracting("defaults")
				.isEqualTo(new TaskDefaults(Duration.ofSeconds(42), 9, Duration.ofSeconds(2), 3.0, Duration.ofMinutes(1),
						Duration.ZERO, List.of(IllegalArgumentException.class))));
	}

	@Test
	void bindsClientAndBackendProperties() {
		this.runner
			.withPropertyValues("gtask.result.ttl=2h", "gtask.message.max-payload-size=1KB", "gtask.key-prefix=app1",
					"gtask.routes.report=reports", "gtask.dead-letter.max-size=12", "gtask.dead-letter.max-age=1h",
					"gtask.backend.store-arguments=false", "gtask.backend.max-history=7")
			.run((context) -> {
				assertThat(context.getBean(RedisResultBackend.class).getMaxHistory()).isEqualTo(7);
				assertThat(context.getBean(TaskRouter.class).queueOf("report")).isEqualTo("reports");
				assertThat(context.getBean(TaskRouter.class).queueOf("other")).isEqualTo("default");
				assertThat(context.getBean(RedisResultBackend.class).getTimeToLive()).isEqualTo(Duration.ofHours(2));
				assertThat(context.getBean(TaskSender.class)).extracting("preparer.maxPayloadSize")
					.isEqualTo(DataSize.ofKilobytes(1));
				assertThat(context.getBean(TaskSender.class)).extracting("preparer.storeArguments").isEqualTo(false);
				RedisBrokerContext broker = context.getBean(RedisBrokerContext.class);
				assertThat(broker.getSettings().deadLetterMaxSize()).isEqualTo(12);
				assertThat(broker.getSettings().deadLetterMaxAge()).isEqualTo(Duration.ofHours(1));
				assertThat(broker.getSettings().tracking()).isFalse();
				assertThat(broker.getKeyspace().ready("q")).isEqualTo("app1:{q}:ready");
			});
	}

	@Test
	void propertyDefaultsAreTheLibraryDefaults() {
		GTaskProperties properties = new GTaskProperties();
		TaskProperties task = properties.getTask();
		TaskDefaults defaults = TaskDefaults.standard();
		assertThat(task.getTimeout()).isEqualTo(defaults.timeout());
		assertThat(task.getMaxRetries()).isEqualTo(defaults.maxRetries());
		assertThat(task.getBackoff().getInitialInterval()).isEqualTo(defaults.initialInterval());
		assertThat(task.getBackoff().getMultiplier()).isEqualTo(defaults.multiplier());
		assertThat(task.getBackoff().getMaxInterval()).isEqualTo(defaults.maxInterval());
		assertThat(task.getBackoff().getJitter()).isEqualTo(defaults.jitter());
		assertThat(task.getNonRetryableExceptions()).isEqualTo(defaults.noRetryFor());
		assertThat(properties.getWorker().getQueueOrder()).isEqualTo(io.gtask.worker.QueueOrder.WEIGHTED);
		assertThat(properties.getLimits()).isEmpty();
		TaskSender sender = new TaskSender(mock(TaskBroker.class), mock(ResultBackend.class),
				new TaskMessageCodec(JsonMapper.builder().build()), new TaskRouter("default", Map.of(), new TaskRegistry()),
				DataSize.ofKilobytes(1));
		assertThat(sender).extracting("preparer.storeArguments").isEqualTo(properties.getBackend().isStoreArguments());
		assertThat(properties.getBackend().getMaxHistory()).isEqualTo(TaskHistory.DEFAULT_MAX_HISTORY);
		assertThat(properties.getMessage().getMaxPayloadSize())
			.isEqualTo(io.gtask.core.TaskMessageRules.DEFAULT_MAX_PAYLOAD_SIZE);
	}

	@Test
	void containerCustomizersRunInOrderAfterTheProperties() {
		this.runner.withPropertyValues("gtask.worker.mdc=true", "gtask.worker.queue-order=weighted")
			.withBean("second", TaskContainerCustomizer.class,
					() -> new OrderedContainerCustomizer(2, (container) -> container.setMdcEnabled(true)))
			.withBean("first", TaskContainerCustomizer.class, () -> new OrderedContainerCustomizer(1, (container) -> {
				container.setMdcEnabled(false);
				container.setQueueOrder(io.gtask.worker.QueueOrder.STRICT, java.util.Map.of("a", 2));
			}))
			.run((context) -> {
				TaskContainer container = context.getBean(TaskContainer.class);
				assertThat(container).extracting("queueOrder").isEqualTo(io.gtask.worker.QueueOrder.STRICT);
				assertThat(container).extracting("mdcEnabled").isEqualTo(true);
			});
	}

	@Test
	void senderCustomizersRunInOrderAfterTheProperties() {
		this.runner.withPropertyValues("gtask.backend.store-arguments=true")
			.withBean("second", TaskSenderCustomizer.class,
					() -> new OrderedSenderCustomizer(2, (sender) -> sender.setStoreArguments(true)))
			.withBean("first", TaskSenderCustomizer.class, () -> new OrderedSenderCustomizer(1, (sender) -> {
				sender.setStoreArguments(false);
				sender.setPipeline(null);
			}))
			.run((context) -> {
				TaskSender sender = context.getBean(TaskSender.class);
				assertThat(sender).extracting("preparer.storeArguments").isEqualTo(true);
				assertThat(sender).extracting("writer.pipeline").isNull();
			});
	}

	@Test
	void routesComeFromARouterOfOnesOwn() {
		this.runner.withPropertyValues("gtask.routes.report=reports")
			.withBean(TaskRouter.class,
					() -> new TaskRouter("default", Map.of("report", "urgent"), new TaskRegistry()))
			.run((context) -> {
				assertThat(context.getBean(TaskSender.class).getRouter().queueOf("report")).isEqualTo("urgent");
				assertThat(context.getBean(TaskContainer.class)).extracting("sender")
					.isSameAs(context.getBean(TaskSender.class));
			});
	}

	@Test
	void timersOfComponentsShareOneScheduler() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(io.gtask.lifecycle.SharedScheduler.class)
			.doesNotHaveBean(org.springframework.scheduling.TaskScheduler.class));
	}

	@Test
	void doesNothingWithoutLettuce() {
		this.runner.withClassLoader(new FilteredClassLoader(LettuceConnectionFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TaskClient.class));
	}

	private static io.gtask.registry.TaskHandlerMethod limitedHandler(String name, TaskLimit limit)
			throws NoSuchMethodException {
		io.gtask.registry.TaskHandlerMethod handler = new io.gtask.registry.TaskHandlerMethod(name, new Handler(),
				Handler.class.getMethod("run"), null, null, null, null, List.of());
		handler.setLimit(limit);
		return handler;
	}

	public static class Handler {

		public void run() {
		}

	}

	/**
	 * Keeps the container from starting, so these tests need no Redis.
	 */
	static class NoAutoStartup implements org.springframework.beans.factory.config.BeanPostProcessor {

		@Override
		public Object postProcessBeforeInitialization(Object bean, String beanName) {
			if (bean instanceof TaskContainer container) {
				container.setAutoStartup(false);
			}
			return bean;
		}

	}

	record OrderedContainerCustomizer(int order, TaskContainerCustomizer delegate)
			implements TaskContainerCustomizer, org.springframework.core.Ordered {

		@Override
		public void customize(TaskContainer container) {
			this.delegate.customize(container);
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

	record OrderedSenderCustomizer(int order, TaskSenderCustomizer delegate)
			implements TaskSenderCustomizer, org.springframework.core.Ordered {

		@Override
		public void customize(TaskSender sender) {
			this.delegate.customize(sender);
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		TaskBroker userBroker() {
			return mock(TaskBroker.class);
		}

		@Bean
		ResultBackend userBackend() {
			return mock(ResultBackend.class);
		}

		@Bean
		TaskClient userClient() {
			return mock(TaskClient.class);
		}

		@Bean
		TaskMessageCodec userCodec() {
			return new TaskMessageCodec(JsonMapper.builder().build());
		}

		@Bean
		TaskRegistry userRegistry() {
			return new TaskRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserContainer {

		@Bean
		TaskContainer userContainer() {
			return mock(TaskContainer.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserExecutor {

		@Bean(destroyMethod = "shutdown")
		Executor gtaskWorkerExecutor() {
			return Executors.newCachedThreadPool();
		}

	}

}
