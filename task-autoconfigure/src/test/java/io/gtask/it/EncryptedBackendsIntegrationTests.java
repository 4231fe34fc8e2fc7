package io.gtask.it;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.gtask.autoconfigure.GTaskEncryptionAutoConfiguration;
import io.gtask.autoconfigure.GTaskJdbcBackendAutoConfiguration;
import io.gtask.autoconfigure.GTaskMongoBackendAutoConfiguration;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.test.TestMongo;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encrypted arguments and results in the JDBC (H2) and MongoDB result backends, read raw from the
 * table and the collection, in durable mode, where the backend also keeps the task's message.
 */
class EncryptedBackendsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final String secret = "secret-" + UUID.randomUUID();

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withConfiguration(AutoConfigurations.of(GTaskEncryptionAutoConfiguration.class))
		.withUserConfiguration(EncryptionIntegrationTests.HandlersConfiguration.class)
		.withPropertyValues("gtask.encryption.enabled=true", "gtask.encryption.current-key=k1",
				"gtask.encryption.keys.k1=" + key(), "gtask.result.poll-interval=100ms",
				"gtask.durable.enabled=true");

	@Test
	void jdbcBackendKeepsCiphertextInItsRows() {
		this.runner
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, GTaskJdbcBackendAutoConfiguration.class))
			.withPropertyValues("gtask.backend.type=jdbc",
					"spring.datasource.url=jdbc:h2:mem:enc-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				String id = client.send("greet", this.secret);
				assertThat(client.await(id, WAIT, String.class)).isEqualTo("hello " + this.secret);
				Map<String, Object> row = new JdbcTemplate(context.getBean(DataSource.class))
					.queryForMap("SELECT result, args, payload FROM gtask_task WHERE id = ?", id);
				assertThat((String) row.get("RESULT")).startsWith("gtask:enc:v1:k1:").doesNotContain(this.secret);
				assertThat((String) row.get("ARGS")).startsWith("gtask:enc:v1:k1:").doesNotContain(this.secret);
				assertThat(new String((byte[]) row.get("PAYLOAD"), StandardCharsets.UTF_8)).contains("greet")
					.doesNotContain(this.secret);
				assertReadable(client.info(id));
			});
	}

	@Test
	void mongoBackendKeepsCiphertextInItsDocuments() {
		String collection = TestMongo.uniqueCollection();
		this.runner
			.withConfiguration(AutoConfigurations.of(MongoAutoConfiguration.class, DataMongoAutoConfiguration.class,
					GTaskMongoBackendAutoConfiguration.class))
			.withPropertyValues("gtask.backend.type=mongo", "spring.mongodb.uri=" + TestMongo.get().uri(),
					"gtask.backend.mongo.collection=" + collection)
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				String id = client.send("greet", this.secret);
				assertThat(client.await(id, WAIT, String.class)).isEqualTo("hello " + this.secret);
				Document stored = context.getBean(MongoTemplate.class).findById(id, Document.class, collection);
				assertThat(stored.getString("result")).startsWith("gtask:enc:v1:k1:").doesNotContain(this.secret);
				assertThat(stored.getString("args")).startsWith("gtask:enc:v1:k1:").doesNotContain(this.secret);
				assertThat(stored.toJson()).doesNotContain(this.secret);
				Object payload = stored.get("payload");
				if (payload instanceof Binary binary) {
					assertThat(new String(binary.getData(), StandardCharsets.UTF_8)).doesNotContain(this.secret);
				}
				assertReadable(client.info(id));
			});
	}

	private void assertReadable(TaskInfo info) {
		assertThat(info.result()).isEqualTo("\"hello " + this.secret + "\"");
		assertThat(info.args()).isEqualTo("[\"" + this.secret + "\"]");
	}

	private static String key() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

}
