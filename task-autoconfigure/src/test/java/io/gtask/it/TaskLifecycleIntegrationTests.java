package io.gtask.it;

import java.time.Duration;

import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class TaskLifecycleIntegrationTests {

	@Test
	void addRunsAndItsResultCanBeAwaited() {
		GTaskTestSupport.runner().withUserConfiguration(HandlersConfiguration.class).run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("add", 2, 3);
			assertThat(client.await(id, Duration.ofSeconds(10), Integer.class)).isEqualTo(5);
			TaskInfo info = client.info(id);
			assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(info.attempts()).isEqualTo(1);
			assertThat(info.result()).isEqualTo("5");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlersConfiguration {

		@Bean
		TestHandlers testHandlers() {
			return new TestHandlers();
		}

	}

}
