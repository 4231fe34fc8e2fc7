package io.gtask.it;

import io.gtask.backend.jdbc.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tasks sent in transactions on MariaDB.
 */
class MariaDbTransactionalSendIntegrationTests extends TransactionalSendIntegrationTests {

	@RegisterExtension
	static final TestDatabase database = TestDatabase.mariadb();

	@Override
	TestDatabase database() {
		return database;
	}

}
