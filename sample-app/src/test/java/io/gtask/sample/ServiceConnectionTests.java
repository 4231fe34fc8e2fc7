package io.gtask.sample;

import java.time.Duration;

import io.gtask.core.TaskClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample on a Redis started by Testcontainers and connected by Boot's
 * {@code @ServiceConnection}, as an application's tests do where Docker runs: gtask takes the
 * connection Boot makes, with nothing of its own to configure. Skipped where there is no Docker.
 */
@SpringBootTest(properties = "gtask.key-prefix=sample-test-containers-${random.uuid}")
@Testcontainers(disabledWithoutDocker = true)
class ServiceConnectionTests {

	@Container
	@ServiceConnection(name = "redis")
	static final GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);

	@Autowired
	private TaskClient taskClient;

	@Test
	void tasksRunOnTheContainersRedis() {
		String id = this.taskClient.send("add", 20, 22);
		assertThat(this.taskClient.await(id, Duration.ofSeconds(30), Integer.class)).isEqualTo(42);
	}

}
