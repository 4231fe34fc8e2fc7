package io.gtask.durable;

import io.gtask.autoconfigure.GTaskJdbcBackendAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Durable mode on the JDBC backend, on H2.
 */
class JdbcDurableModeIntegrationTests extends DurableModeIntegrationTests {

	@Override
	protected ApplicationContextRunner withBackend(ApplicationContextRunner runner) {
		return runner
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					GTaskJdbcBackendAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + this.prefix + ";DB_CLOSE_DELAY=-1",
					"gtask.backend.type=jdbc");
	}

}
