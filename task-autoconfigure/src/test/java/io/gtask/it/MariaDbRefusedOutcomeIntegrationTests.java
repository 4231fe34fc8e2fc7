package io.gtask.it;

import io.gtask.backend.jdbc.TestDatabase;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refused outcomes on MariaDB, which also refuses a statement over its {@code max_allowed_packet}.
 */
class MariaDbRefusedOutcomeIntegrationTests extends JdbcRefusedOutcomeIntegrationTests {

	@RegisterExtension
	static final TestDatabase database = TestDatabase.mariadb();

	@Override
	TestDatabase database() {
		return database;
	}

	@Test
	void resultOverThePacketLimitEndsThatTaskAsFailureAndLaterTasksSucceed() {
		Long packet = new JdbcTemplate(database.dataSource()).queryForObject("SELECT @@max_allowed_packet", Long.class);
		Assumptions.assumeTrue(packet != null && packet <= 64 * 1024 * 1024,
				() -> "max_allowed_packet of " + packet + " bytes is too large to exceed in a test");
		runner().withUserConfiguration(LargeResultConfiguration.class).run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send(TaskRequest.of("large").args(packet + 1024).maxRetries(0).build());
			assertLaterTasksSucceed(client);
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.result()).isNull();
			assertThat(info.error().message()).contains("refused to record this task as SUCCESS");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class LargeResultConfiguration {

		@Bean
		LargeResultHandler largeResultHandler() {
			return new LargeResultHandler();
		}

	}

	static class LargeResultHandler {

		@TaskHandler("large")
		String large(long length) {
			return "x".repeat(Math.toIntExact(length));
		}

	}

}
