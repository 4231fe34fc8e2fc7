package io.gtask.backend.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gtask.test.TestRedis;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A database for one test class, registered as a static {@code @RegisterExtension} field: an H2
 * in memory, or the PostgreSQL or MariaDB on 127.0.0.1 when it answers, else a Testcontainers
 * container where Docker runs, else the class is skipped, except on CI (environment variable
 * {@code CI=true}), where a missing server fails it.
 * <p>
 * Each class gets a table prefix of its own, so that runs in parallel never share rows, and the
 * table is created with the real schema script (twice, since it must be safe to run again) and
 * dropped after the class.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback {

	private final String kind;

	private final JdbcPlatform platform;

	private final String tablePrefix = "gtask_t" + UUID.randomUUID().toString().substring(0, 8) + "_";

	private @Nullable HikariDataSource dataSource;

	private TestDatabase(String kind, JdbcPlatform platform) {
		this.kind = kind;
		this.platform = platform;
	}

	public static TestDatabase h2() {
		return new TestDatabase("h2", JdbcPlatform.H2);
	}

	public static TestDatabase postgresql() {
		return new TestDatabase("postgresql", JdbcPlatform.POSTGRESQL);
	}

	public static TestDatabase mariadb() {
		return new TestDatabase("mariadb", JdbcPlatform.MYSQL);
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		String url = switch (this.kind) {
			case "h2" -> "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
			case "postgresql" -> Servers.POSTGRESQL.url();
			default -> Servers.MARIADB.url();
		};
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername(switch (this.kind) {
			case "postgresql" -> "postgres";
			case "mariadb" -> "root";
			default -> "sa";
		});
		config.setPassword("");
		config.setMaximumPoolSize(12);
		config.setPoolName("gtask-test-" + this.kind);
		this.dataSource = new HikariDataSource(config);
		for (int run = 0; run < 2; run++) {
			initializer(DatabaseInitializationMode.ALWAYS).initializeDatabase();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.dataSource != null) {
			try {
				new JdbcTemplate(this.dataSource).execute("DROP TABLE IF EXISTS " + tableName());
			}
			finally {
				this.dataSource.close();
			}
		}
	}

	public DataSource dataSource() {
		if (this.dataSource == null) {
			throw new IllegalStateException("Not started: register the database with @RegisterExtension");
		}
		return this.dataSource;
	}

	public JdbcPlatform platform() {
		return this.platform;
	}

	public String tablePrefix() {
		return this.tablePrefix;
	}

	public String tableName() {
		return this.tablePrefix + "task";
	}

	public boolean embedded() {
		return this.platform == JdbcPlatform.H2;
	}

	/**
	 * An initializer of this class's table.
	 * @param mode the mode
	 * @return the initializer
	 */
	public JdbcResultBackendSchemaInitializer initializer(DatabaseInitializationMode mode) {
		return new JdbcResultBackendSchemaInitializer(dataSource(),
				JdbcResultBackendSchemaInitializer.getSettings(this.platform, mode), this.tablePrefix);
	}

	/**
	 * A database server, found once per JVM.
	 */
	private enum Servers {

		POSTGRESQL("PostgreSQL", 5432, "jdbc:postgresql://%s:%d/test", "postgres:16-alpine"),

		MARIADB("MariaDB", 3306, "jdbc:mariadb://%s:%d/test", "mariadb:11");

		private final String product;

		private final int port;

		private final String urlFormat;

		private final String image;

		private @Nullable String url;

		private @Nullable String unavailable;

		Servers(String product, int port, String urlFormat, String image) {
			this.product = product;
			this.port = port;
			this.urlFormat = urlFormat;
			this.image = image;
		}

		synchronized String url() {
			if (this.url == null && this.unavailable == null) {
				find();
			}
			if (this.url == null) {
				if ("true".equalsIgnoreCase(System.getenv("CI"))) {
					throw new IllegalStateException(this.unavailable + "; CI must run these tests");
				}
				Assumptions.abort(this.unavailable);
			}
			return this.url;
		}

		private void find() {
			if (TestRedis.listening("127.0.0.1", this.port)) {
				this.url = this.urlFormat.formatted("127.0.0.1", this.port);
				System.out.println("gtask JDBC tests use " + this.product + " at " + this.url + " (local server)");
				return;
			}
			if (!dockerAvailable()) {
				this.unavailable = "No " + this.product + " answers on 127.0.0.1:" + this.port
						+ " and Docker is not available for Testcontainers";
				return;
			}
			GenericContainer<?> container = new GenericContainer<>(this.image).withExposedPorts(this.port)
				.withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
				.withEnv("POSTGRES_DB", "test")
				.withEnv("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1")
				.withEnv("MARIADB_DATABASE", "test")
				.waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(2)));
			container.start();
			String url = this.urlFormat.formatted(container.getHost(), container.getMappedPort(this.port));
			awaitConnection(url);
			this.url = url;
			System.out.println("gtask JDBC tests use " + this.product + " at " + url + " (Testcontainers)");
		}

		private void awaitConnection(String url) {
			String user = (this == POSTGRESQL) ? "postgres" : "root";
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (true) {
				try (Connection connection = java.sql.DriverManager.getConnection(url, user, "")) {
					return;
				}
				catch (SQLException ex) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException(this.product + " in its container did not accept connections",
								ex);
					}
				}
				try {
					Thread.sleep(500);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
		}

		private static boolean dockerAvailable() {
			try {
				return DockerClientFactory.instance().isDockerAvailable();
			}
			catch (Throwable ex) {
				return false;
			}
		}

	}

	@Override
	public String toString() {
		return this.kind.toUpperCase(Locale.ROOT) + " " + tableName();
	}

}
