package io.gtask.backend.jdbc;

import java.util.Locale;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.transaction.TransactionDefinition;

/**
 * The databases the {@link JdbcResultBackend} supports, each with its schema script and the
 * statements that differ between them.
 */
public enum JdbcPlatform {

	/**
	 * PostgreSQL.
	 */
	POSTGRESQL("postgresql"),

	/**
	 * MySQL and MariaDB, which share one schema script and dialect.
	 */
	MYSQL("mysql"),

	/**
	 * H2.
	 */
	H2("h2");

	private final String id;

	JdbcPlatform(String id) {
		this.id = id;
	}

	/**
	 * The name of the platform, as in its schema script's name.
	 * @return the name, such as {@code postgresql}
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * Where the schema script of the platform is, for the default table prefix.
	 * @return the location of the script, a {@code classpath:} resource
	 */
	public String getSchemaLocation() {
		return "classpath:io/gtask/backend/jdbc/schema-" + this.id + ".sql";
	}

	/**
	 * The platform of a name, as {@code gtask.backend.jdbc.platform} takes it.
	 * @param name {@code postgresql}, {@code mysql}, {@code mariadb} or {@code h2}, in any case
	 * @return the platform
	 * @throws IllegalArgumentException for any other name
	 */
	public static JdbcPlatform of(String name) {
		return switch (name.trim().toLowerCase(Locale.ROOT)) {
			case "postgresql", "postgres" -> POSTGRESQL;
			case "mysql", "mariadb" -> MYSQL;
			case "h2" -> H2;
			default -> throw new IllegalArgumentException("Unsupported platform '" + name
					+ "' for gtask's JDBC result backend: use postgresql, mysql, mariadb or h2");
		};
	}

	/**
	 * The platform of a database, from the product name its driver reports, else its URL.
	 * @param dataSource the database
	 * @return the platform
	 * @throws IllegalStateException if the database is not a supported one or cannot be reached
	 */
	public static JdbcPlatform detect(DataSource dataSource) {
		String[] product;
		try {
			product = JdbcUtils.extractDatabaseMetaData(dataSource,
					(metaData) -> new String[] { metaData.getDatabaseProductName(), metaData.getURL() });
		}
		catch (MetaDataAccessException ex) {
			throw new IllegalStateException("Could not find out which database gtask's JDBC result backend uses; "
					+ "set gtask.backend.jdbc.platform", ex);
		}
		DatabaseDriver driver = DatabaseDriver.fromProductName(product[0]);
		if (driver == DatabaseDriver.UNKNOWN && product[1] != null) {
			driver = DatabaseDriver.fromJdbcUrl(product[1]);
		}
		return switch (driver) {
			case POSTGRESQL -> POSTGRESQL;
			case MYSQL, MARIADB -> MYSQL;
			case H2 -> H2;
			default -> throw new IllegalStateException("gtask's JDBC result backend supports PostgreSQL, MySQL, "
					+ "MariaDB and H2, but the DataSource is " + product[0] + "; if it is compatible with one of "
					+ "them, set gtask.backend.jdbc.platform");
		};
	}

	/**
	 * An {@code INSERT} of the given columns that does nothing, and counts no row, when the id
	 * is already taken. On H2 a taken id fails the statement instead, without failing the
	 * transaction.
	 */
	String insertIfAbsent(String table, String columns, String placeholders) {
		return switch (this) {
			case POSTGRESQL -> "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders
					+ ") ON CONFLICT (id) DO NOTHING";
			case MYSQL -> "INSERT IGNORE INTO " + table + " (" + columns + ") VALUES (" + placeholders + ")";
			case H2 -> "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders + ")";
		};
	}

	/**
	 * The concatenation of text expressions.
	 */
	String concat(String... expressions) {
		return (this == MYSQL) ? "CONCAT(" + String.join(", ", expressions) + ")"
				: "(" + String.join(" || ", expressions) + ")";
	}

	/**
	 * An integer column as text.
	 */
	String text(String column) {
		return (this == MYSQL) ? "CAST(" + column + " AS CHAR)" : "CAST(" + column + " AS VARCHAR(11))";
	}

	/**
	 * Whether the counts of a JDBC batch of inserts tell which rows were inserted; the MySQL
	 * and MariaDB drivers may answer {@link java.sql.Statement#SUCCESS_NO_INFO} for each.
	 */
	boolean countsBatchedInserts() {
		return this == POSTGRESQL;
	}

	/**
	 * A {@code DELETE} of at most a given number of expired rows: parameters are the time
	 * (epoch milliseconds) and the number of rows. On PostgreSQL rows that another transaction
	 * holds are skipped, so that instances cleaning at the same time never wait for each other.
	 */
	String deleteExpiredBatch(String table) {
		return switch (this) {
			case POSTGRESQL -> "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
					+ " WHERE expires_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED)";
			case MYSQL -> "DELETE FROM " + table + " WHERE expires_at <= ? LIMIT ?";
			case H2 -> "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
					+ " WHERE expires_at <= ? FETCH FIRST ? ROWS ONLY)";
		};
	}

	/**
	 * The isolation of the backend's own transactions. InnoDB's default, repeatable read, locks
	 * the gaps next to ids that are not there yet, so that two transactions writing new ids
	 * can deadlock; read committed does not.
	 */
	int isolationLevel() {
		return (this == MYSQL) ? TransactionDefinition.ISOLATION_READ_COMMITTED : TransactionDefinition.ISOLATION_DEFAULT;
	}

}
