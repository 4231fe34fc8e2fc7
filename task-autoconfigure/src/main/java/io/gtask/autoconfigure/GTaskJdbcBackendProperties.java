package io.gtask.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Configuration properties of gtask's JDBC result backend, used when
 * {@code gtask.backend.type=jdbc}.
 * <p>
 * A class of its own rather than a group of {@link GTaskProperties}, because its types come from
 * Spring Boot's optional SQL modules, which applications on the Redis backend do not have.
 */
@ConfigurationProperties("gtask.backend.jdbc")
public class GTaskJdbcBackendProperties {

	/**
	 * Prefix of the names of the task table and its indexes: at most 32 letters, digits and
	 * underscores.
	 */
	private String tablePrefix = "gtask_";

	/**
	 * Database schema initialization mode: whether the task table is created on startup if it
	 * is missing.
	 */
	private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

	/**
	 * Platform whose schema script and SQL dialect to use: postgresql, mysql, mariadb or h2.
	 * Detected from the DataSource by default.
	 */
	private @Nullable String platform;

	/**
	 * Interval at which expired task states are deleted.
	 */
	private Duration cleanupInterval = Duration.ofMinutes(1);

	/**
	 * Most expired task states deleted by one statement; deleting goes on with further
	 * statements until one deletes fewer.
	 */
	private int cleanupBatchSize = 1000;

	public String getTablePrefix() {
		return this.tablePrefix;
	}

	public void setTablePrefix(String tablePrefix) {
		this.tablePrefix = tablePrefix;
	}

	public DatabaseInitializationMode getInitializeSchema() {
		return this.initializeSchema;
	}

	public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
		this.initializeSchema = initializeSchema;
	}

	public @Nullable String getPlatform() {
		return this.platform;
	}

	public void setPlatform(@Nullable String platform) {
		this.platform = platform;
	}

	public Duration getCleanupInterval() {
		return this.cleanupInterval;
	}

	public void setCleanupInterval(Duration cleanupInterval) {
		this.cleanupInterval = cleanupInterval;
	}

	public int getCleanupBatchSize() {
		return this.cleanupBatchSize;
	}

	public void setCleanupBatchSize(int cleanupBatchSize) {
		this.cleanupBatchSize = cleanupBatchSize;
	}

}
