package io.gtask.autoconfigure;

import io.gtask.broker.redis.RedisTaskBroker;
import io.gtask.core.TaskClient;
import io.gtask.lifecycle.SharedScheduler;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.gtask.stats.TaskStatsRecorder;
import io.gtask.stats.TaskStatsStore;
import io.gtask.stats.redis.RedisTaskStatsStore;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of gtask's task statistics: a {@link TaskStatsStore} in Redis that the
 * dashboard charts, and a {@link TaskStatsRecorder} that adds this instance's counts to it unless
 * {@code gtask.stats.enabled=false}. Ordered after the Micrometer metrics so that both record.
 */
@AutoConfiguration(after = { GTaskAutoConfiguration.class, GTaskMetricsAutoConfiguration.class })
@ConditionalOnClass({ TaskClient.class, LettuceConnectionFactory.class })
@ConditionalOnBean(RedisTaskBroker.class)
@EnableConfigurationProperties({ GTaskProperties.class, GTaskStatsProperties.class })
@ConditionalOnMissingBean(type = "io.gtask.testing.InProcessTasks")
public final class GTaskStatsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(TaskStatsStore.class)
	RedisTaskStatsStore taskStatsStore(RedisConnectionFactory connectionFactory, GTaskProperties properties,
			GTaskStatsProperties stats) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
			throw new IllegalStateException("gtask's task statistics need Lettuce, but the RedisConnectionFactory is a "
					+ connectionFactory.getClass().getName() + "; use spring.data.redis.client-type=lettuce");
		}
		return new RedisTaskStatsStore(new RedisAsync(lettuce, properties.getRedis().getTimeout()),
				new RedisKeyspace(properties.getKeyPrefix()), stats.getRetention());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = "gtask.stats", name = "enabled", havingValue = "true", matchIfMissing = true)
	TaskStatsRecorder taskStatsRecorder(TaskStatsStore store, GTaskStatsProperties stats, SharedScheduler scheduler) {
		TaskStatsRecorder recorder = new TaskStatsRecorder(store, stats.getFlushInterval());
		recorder.setTaskScheduler(scheduler.getTaskScheduler());
		return recorder;
	}

}
