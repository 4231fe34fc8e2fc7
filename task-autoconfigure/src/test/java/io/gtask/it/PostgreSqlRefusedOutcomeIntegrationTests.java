package io.gtask.it;

import io.gtask.backend.jdbc.TestDatabase;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refused outcomes on PostgreSQL, whose text columns also refuse the character U+0000.
 */
class PostgreSqlRefusedOutcomeIntegrationTests extends JdbcRefusedOutcomeIntegrationTests {

	@RegisterExtension
	static final TestDatabase database = TestDatabase.postgresql();

	@Override
	TestDatabase database() {
		return database;
	}

	@Test
	void errorMessageHoldingANulCharacterIsRecordedWithoutItAndLaterTasksSucceed() {
		runner().run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send(TaskRequest.of("fail").args("bad\u0000news").maxRetries(0).build());
			assertLaterTasksSucceed(client);
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().message()).contains("bad").contains("news").doesNotContain("\u0000");
		});
	}

}
