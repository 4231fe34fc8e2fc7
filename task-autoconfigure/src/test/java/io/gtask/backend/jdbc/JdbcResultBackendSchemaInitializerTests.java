package io.gtask.backend.jdbc;

import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Creating the task table on H2 with {@link JdbcResultBackendSchemaInitializer}; the contract
 * tests run the scripts of the other platforms.
 */
class JdbcResultBackendSchemaInitializerTests {

	private final EmbeddedDatabase dataSource = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
		.setName(UUID.randomUUID().toString())
		.build();

	private final JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);

	@AfterEach
	void shutDown() {
		this.dataSource.shutdown();
	}

	private static JdbcResultBackendSchemaInitializer initializer(DataSource dataSource,
			DatabaseInitializationMode mode, String prefix) {
		return new JdbcResultBackendSchemaInitializer(dataSource,
				JdbcResultBackendSchemaInitializer.getSettings(JdbcPlatform.H2, mode), prefix);
	}

	private List<String> tables() {
		return this.jdbc.queryForList(
				"SELECT LOWER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY 1",
				String.class);
	}

	private List<String> indexes() {
		return this.jdbc.queryForList("SELECT LOWER(INDEX_NAME) FROM INFORMATION_SCHEMA.INDEXES "
				+ "WHERE TABLE_SCHEMA = 'PUBLIC' AND INDEX_TYPE_NAME <> 'PRIMARY KEY' ORDER BY 1", String.class);
	}

	@Test
	void embeddedModeCreatesTheTableAndIndexesOnH2() {
		assertThat(initializer(this.dataSource, DatabaseInitializationMode.EMBEDDED, "gtask_").initializeDatabase())
			.isTrue();
		assertThat(tables()).containsExactly("gtask_task");
		assertThat(indexes()).containsExactly("gtask_task_expires_at_idx", "gtask_task_status_updated_at_idx");
		assertThat(this.jdbc.queryForList("SELECT LOWER(COLUMN_NAME) FROM INFORMATION_SCHEMA.COLUMNS "
				+ "WHERE TABLE_NAME = 'GTASK_TASK' ORDER BY ORDINAL_POSITION", String.class))
			.containsExactly("id", "name", "queue", "status", "attempts", "created_at", "started_at", "finished_at",
					"next_attempt_at", "updated_at", "expires_at", "result", "error_type", "error_message", "payload",
					"due_at", "args", "history");
	}

	@Test
	void neverModeCreatesNothing() {
		assertThat(initializer(this.dataSource, DatabaseInitializationMode.NEVER, "gtask_").initializeDatabase())
			.isFalse();
		assertThat(tables()).isEmpty();
	}

	@Test
	void scriptCanRunAgainOnAnExistingTable() {
		assertThat(initializer(this.dataSource, DatabaseInitializationMode.ALWAYS, "gtask_").initializeDatabase())
			.isTrue();
		this.jdbc.update("INSERT INTO gtask_task (id, name, queue, status, attempts, created_at, updated_at, "
				+ "expires_at) VALUES ('kept', 'n', 'q', 'PENDING', 0, 1, 1, 1)");
		assertThat(initializer(this.dataSource, DatabaseInitializationMode.ALWAYS, "gtask_").initializeDatabase())
			.isTrue();
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM gtask_task", Integer.class)).isOne();
	}

	@Test
	void tablePrefixNamesTheTableAndItsIndexes() {
		initializer(this.dataSource, DatabaseInitializationMode.EMBEDDED, "billing_").initializeDatabase();
		assertThat(tables()).containsExactly("billing_task");
		assertThat(indexes()).containsExactly("billing_task_expires_at_idx", "billing_task_status_updated_at_idx");
	}

	@Test
	void tablePrefixThatIsNotAPlainIdentifierIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> initializer(this.dataSource, DatabaseInitializationMode.ALWAYS, "x; DROP TABLE y; --"))
			.withMessageContaining("Invalid table prefix");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> initializer(this.dataSource, DatabaseInitializationMode.ALWAYS, ""));
	}

}
