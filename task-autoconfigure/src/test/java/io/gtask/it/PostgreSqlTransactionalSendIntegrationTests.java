package io.gtask.it;

import io.gtask.backend.jdbc.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tasks sent in transactions on PostgreSQL.
 */
class PostgreSqlTransactionalSendIntegrationTests extends TransactionalSendIntegrationTests {

	@RegisterExtension
	static final TestDatabase database = TestDatabase.postgresql();

	@Override
	TestDatabase database() {
		return database;
	}

}
