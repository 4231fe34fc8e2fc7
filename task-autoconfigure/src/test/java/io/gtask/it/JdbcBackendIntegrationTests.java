package io.gtask.it;

import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import io.gtask.autoconfigure.GTaskJdbcBackendAutoConfiguration;
import io.gtask.backend.jdbc.JdbcResultBackend;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFailedException;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tasks run by a real container on the test Redis, with their states in an H2 database through
 * the JDBC result backend.
 */
class JdbcBackendIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withConfiguration(
				AutoConfigurations.of(DataSourceAutoConfiguration.class, GTaskJdbcBackendAutoConfiguration.class))
		.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
		.withPropertyValues("gtask.backend.type=jdbc", "gtask.result.poll-interval=100ms");

	@Test
	void taskRunsToSuccessAndAwaitReturnsItsResultFromTheTable() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(JdbcResultBackend.class);
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send("add", 2, 3);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(5);
			TaskInfo info = client.info(id);
			assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(info.attempts()).isEqualTo(1);
			assertThat(info.startedAt()).isAfterOrEqualTo(info.createdAt());
			Map<String, Object> row = new JdbcTemplate(context.getBean(DataSource.class))
				.queryForMap("SELECT status, result, attempts FROM gtask_task WHERE id = ?", id);
			assertThat(row).containsEntry("STATUS", "SUCCESS").containsEntry("RESULT", "5");
		});
	}

	@Test
	void failedTaskIsReportedWithItsError() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.send(TaskRequest.of("fail").args("boom").maxRetries(0).build());
			assertThatExceptionOfType(TaskFailedException.class).isThrownBy(() -> client.await(id, WAIT, Void.class))
				.satisfies((ex) -> {
					assertThat(ex.getInfo().status()).isEqualTo(TaskStatus.FAILURE);
					assertThat(ex.getInfo().error().type()).isEqualTo(IllegalStateException.class.getName());
					assertThat(ex.getInfo().error().message()).isEqualTo("boom");
				});
		});
	}

	@Test
	void unknownTaskIsNotFound() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThat(client.find("no-such-task")).isEmpty();
			assertThatExceptionOfType(TaskNotFoundException.class)
				.isThrownBy(() -> client.await("no-such-task", WAIT, Integer.class));
		});
	}

}
