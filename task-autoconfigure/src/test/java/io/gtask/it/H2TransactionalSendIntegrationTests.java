package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.jdbc.TestDatabase;
import io.gtask.backend.redis.RedisResultBackend;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tasks sent in transactions on H2, and with the Redis backend beside an H2 transaction.
 */
class H2TransactionalSendIntegrationTests extends TransactionalSendIntegrationTests {

	@RegisterExtension
	static final TestDatabase database = TestDatabase.h2();

	@Override
	TestDatabase database() {
		return database;
	}

	@Test
	void withTheRedisBackendTasksWaitForTheCommitOfTheApplicationsTransaction() {
		runner().withPropertyValues("gtask.backend.type=redis").run((context) -> {
			assertThat(context.getBean(ResultBackend.class)).isInstanceOf(RedisResultBackend.class);
			TaskClient client = context.getBean(TaskClient.class);
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			String committed = transaction.execute((status) -> {
				String id = client.send("order.ship", "r1");
				assertThat(client.find(id)).isEmpty();
				return id;
			});
			List<String> rolledBack = new ArrayList<>();
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> transaction.execute((status) -> {
				rolledBack.add(client.send("order.ship", "r2"));
				throw new IllegalStateException("rolled back");
			}));
			assertThat(client.awaitCompletion(committed, Duration.ofSeconds(30)).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(client.find(rolledBack.get(0))).isEmpty();
			assertThat(RAN).containsExactly("r1");
		});
	}

}
