package io.gtask.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.gtask.backend.ResultBackend;
import io.gtask.broker.redis.RedisBrokerContext;
import io.gtask.core.TaskBatches;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFlows;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskNotFoundException;
import io.gtask.crypto.PayloadCipher;
import io.gtask.flow.BatchStore;
import io.gtask.flow.BatchTracker;
import io.gtask.flow.DefaultTaskBatches;
import io.gtask.flow.DefaultTaskFlows;
import io.gtask.flow.FlowAdvancer;
import io.gtask.flow.FlowStore;
import io.gtask.flow.StepCanceller;
import io.gtask.flow.redis.RedisBatchStore;
import io.gtask.flow.redis.RedisFlowStore;
import io.gtask.metrics.TaskMetrics;
import io.gtask.progress.ProgressCodec;
import io.gtask.progress.ProgressStore;
import io.gtask.progress.redis.RedisProgressStore;
import io.gtask.send.TaskSender;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.context.annotation.Bean;

/**
 * Flows, batches and task progress, kept in Redis beside the queues of gtask's Redis broker:
 * none of them when the application has a broker of its own. The client and the consumer
 * container of {@link GTaskAutoConfiguration} take them when they are here.
 */
@AutoConfiguration(after = GTaskAutoConfiguration.class)
@ConditionalOnBean(RedisBrokerContext.class)
@ConditionalOnMissingBean(type = "io.gtask.testing.InProcessTasks")
public class GTaskFlowAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ProgressStore.class)
	RedisProgressStore gtaskProgressStore(RedisBrokerContext context, TaskMessageCodec codec,
			GTaskProperties properties, ObjectProvider<PayloadCipher> cipher) {
		return new RedisProgressStore(context.getRedis(), context.getKeyspace(), properties.getResult().getTtl(),
				new ProgressCodec(codec.getJsonMapper(), cipher.getIfUnique()));
	}

	@Bean
	@ConditionalOnMissingBean(FlowStore.class)
	RedisFlowStore gtaskFlowStore(RedisBrokerContext context, GTaskProperties properties) {
		return new RedisFlowStore(context.getRedis(), context.getKeyspace());
	}

	/**
	 * Runs flows.
	 */
	@Bean
	@ConditionalOnMissingBean
	FlowAdvancer gtaskFlowAdvancer(FlowStore flowStore, TaskSender sender, ResultBackend resultBackend,
			TaskMessageCodec codec, ObjectProvider<TaskClient> client, ObjectProvider<TaskMetrics> metrics,
			GTaskProperties properties) {
		FlowAdvancer advancer = new FlowAdvancer(flowStore, sender, resultBackend, codec, canceller(client),
				properties.getResult().getTtl());
		advancer.setMetrics(GTaskAutoConfiguration.taskMetrics(metrics));
		PropertyMapper.get().from(properties.getFlow()::getTimeToLive).to(advancer::setTimeToLive);
		return advancer;
	}

	@Bean
	@ConditionalOnMissingBean(BatchStore.class)
	RedisBatchStore gtaskBatchStore(RedisBrokerContext context) {
		return new RedisBatchStore(context.getRedis(), context.getKeyspace());
	}

	@Bean
	@ConditionalOnMissingBean
	BatchTracker gtaskBatchTracker(BatchStore batchStore, TaskSender sender, ResultBackend resultBackend,
			TaskMessageCodec codec, ObjectProvider<TaskClient> client, ObjectProvider<TaskMetrics> metrics,
			GTaskProperties properties) {
		BatchTracker tracker = new BatchTracker(batchStore, sender, resultBackend, codec, canceller(client),
				properties.getResult().getTtl());
		tracker.setMetrics(GTaskAutoConfiguration.taskMetrics(metrics));
		PropertyMapper.get().from(properties.getFlow()::getTimeToLive).to(tracker::setTimeToLive);
		return tracker;
	}

	@Bean
	@ConditionalOnMissingBean(TaskBatches.class)
	DefaultTaskBatches taskBatches(BatchTracker tracker, BatchStore batchStore, ResultBackend resultBackend) {
		return new DefaultTaskBatches(tracker, batchStore, resultBackend);
	}

	/**
	 * Cancels a step of a cancelled flow or batch through the client, looked up when it is
	 * needed, since the client starts flows and batches through their beans.
	 */
	private static StepCanceller canceller(ObjectProvider<TaskClient> client) {
		return (taskIds) -> {
			List<String> started = new ArrayList<>();
			for (String taskId : taskIds) {
				try {
					if (!client.getObject().revoke(taskId)) {
						started.add(taskId);
					}
				}
				catch (TaskNotFoundException ex) {
					// never recorded: nothing runs it
				}
			}
			for (String taskId : started) {
				try {
					client.getObject().cancel(taskId);
				}
				catch (TaskNotFoundException ex) {
					// expired meanwhile
				}
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean(TaskFlows.class)
	DefaultTaskFlows taskFlows(FlowAdvancer advancer, FlowStore flowStore, TaskMessageCodec codec) {
		return new DefaultTaskFlows(advancer, flowStore, codec);
	}

}
