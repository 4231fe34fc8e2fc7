package io.gtask.it;

import io.gtask.backend.jdbc.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Refused outcomes on H2.
 */
class H2RefusedOutcomeIntegrationTests extends JdbcRefusedOutcomeIntegrationTests {

	@RegisterExtension
	static final TestDatabase database = TestDatabase.h2();

	@Override
	TestDatabase database() {
		return database;
	}

}
