package io.gtask.backend.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The result backend contract on MariaDB: the local server, else a Testcontainers container.
 */
class MariaDbJdbcResultBackendContractTests extends JdbcResultBackendContractTests {

	@RegisterExtension
	static final TestDatabase database = TestDatabase.mariadb();

	@Override
	protected TestDatabase database() {
		return database;
	}

}
