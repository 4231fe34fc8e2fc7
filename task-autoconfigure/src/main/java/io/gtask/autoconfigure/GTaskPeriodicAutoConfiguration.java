package io.gtask.autoconfigure;

import io.gtask.broker.redis.RedisTaskBroker;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskMessageCodec;
import io.gtask.periodic.PeriodicTaskScheduler;
import io.gtask.periodic.PeriodicTickStore;
import io.gtask.periodic.redis.RedisPeriodicTickStore;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.gtask.registry.TaskRegistry;
import io.gtask.send.TaskSender;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of gtask's periodic tasks: a {@link PeriodicTaskScheduler} that sends the
 * tasks of {@code @TaskHandler} methods with a cron and of the
 * {@code gtask.periodic.schedules.*} properties, once per tick across all instances, through a
 * {@link RedisPeriodicTickStore} when the broker is gtask's Redis broker. Turned off with
 * {@code gtask.periodic.enabled=false}.
 */
@AutoConfiguration(after = GTaskAutoConfiguration.class)
@ConditionalOnClass({ TaskClient.class, LettuceConnectionFactory.class })
@ConditionalOnProperty(prefix = "gtask.periodic", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(GTaskProperties.class)
@ConditionalOnMissingBean(type = "io.gtask.testing.InProcessTasks")
public final class GTaskPeriodicAutoConfiguration {

	@Bean
	@ConditionalOnBean(RedisTaskBroker.class)
	@ConditionalOnMissingBean(PeriodicTickStore.class)
	RedisPeriodicTickStore periodicTickStore(RedisConnectionFactory connectionFactory, GTaskProperties properties) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
			throw new IllegalStateException("gtask's periodic tasks need Lettuce, but the RedisConnectionFactory is a "
					+ connectionFactory.getClass().getName() + "; use spring.data.redis.client-type=lettuce, "
					+ "define your own PeriodicTickStore or set gtask.periodic.enabled=false");
		}
		return new RedisPeriodicTickStore(new RedisAsync(lettuce, properties.getRedis().getTimeout()),
				new RedisKeyspace(properties.getKeyPrefix()));
	}

	@Bean
	@ConditionalOnBean(PeriodicTickStore.class)
	@ConditionalOnMissingBean
	PeriodicTaskScheduler periodicTaskScheduler(PeriodicTickStore tickStore, TaskSender sender,
			TaskMessageCodec codec, TaskRegistry registry, GTaskProperties properties) {
		PeriodicScheduleResolver schedules = new PeriodicScheduleResolver(properties, registry, sender.getRouter(),
				codec);
		PeriodicTaskScheduler scheduler = new PeriodicTaskScheduler(tickStore, sender, codec, schedules::resolve);
		PropertyMapper.get().from(properties.getPeriodic()::getGrace).to(scheduler::setGrace);
		// not on the shared scheduler: a tick must fire within its grace period, not wait behind a
		// pass of the reaper or a cleanup of the JDBC backend
		return scheduler;
	}

}
