package io.gtask.backend.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The result backend contract on PostgreSQL: the local server, else a Testcontainers container.
 */
class PostgreSqlJdbcResultBackendContractTests extends JdbcResultBackendContractTests {

	@RegisterExtension
	static final TestDatabase database = TestDatabase.postgresql();

	@Override
	protected TestDatabase database() {
		return database;
	}

}
