package io.gtask.it;

import io.gtask.backend.jdbc.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Refused outcomes on MariaDB.
 */
class MariaDbRefusedOutcomeIntegrationTests extends JdbcRefusedOutcomeIntegrationTests {

	@RegisterExtension
	static final TestDatabase database = TestDatabase.mariadb();

	@Override
	TestDatabase database() {
		return database;
	}

}
