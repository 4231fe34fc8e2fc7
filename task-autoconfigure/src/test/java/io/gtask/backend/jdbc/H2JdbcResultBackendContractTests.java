package io.gtask.backend.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The result backend contract on an H2 database in memory.
 */
class H2JdbcResultBackendContractTests extends JdbcResultBackendContractTests {

	@RegisterExtension
	static final TestDatabase database = TestDatabase.h2();

	@Override
	protected TestDatabase database() {
		return database;
	}

}
