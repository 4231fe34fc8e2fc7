package io.gtask.it;

import java.time.Duration;

import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import io.gtask.autoconfigure.GTaskProperties;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages written into a queue by something other than gtask do not stop the worker.
 */
class MalformedMessageIntegrationTests {

	@Test
	void workerSurvivesMalformedMessagesAndRecordsTheReasonWhenTheIdIsKnown() {
		GTaskTestSupport.runner().withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				String stream = context.getBean(GTaskProperties.class).getKeyPrefix() + ":{default}:ready";
				redis.opsForStream().add(stream, java.util.Map.of("m", "{not json"));
				redis.opsForStream().add(stream, java.util.Map.of("other", "field"));
				client.send("add", 0, 0);
				redis.opsForStream().add(stream, java.util.Map.of("m", "{\"v\":1,\"id\":\"hostile-1\",\"name\":\"add\"}"));
				String id = client.send("add", 4, 5);
				assertThat(client.await(id, Duration.ofSeconds(10), Integer.class)).isEqualTo(9);
				TaskInfo hostile = client.awaitCompletion("hostile-1", Duration.ofSeconds(10));
				assertThat(hostile.status()).isEqualTo(TaskStatus.FAILURE);
				assertThat(hostile.error().type()).isEqualTo(MalformedTaskMessageException.class.getName());
				assertThat(hostile.error().message()).contains("hostile-1").contains("no 'queue' string");
			});
	}

}
