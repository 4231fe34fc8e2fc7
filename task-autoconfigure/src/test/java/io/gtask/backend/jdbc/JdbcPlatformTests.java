package io.gtask.backend.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Names of {@link JdbcPlatform}s; detection is tested on each database by the contract tests.
 */
class JdbcPlatformTests {

	@Test
	void platformNamesMapToTheirScripts() {
		assertThat(JdbcPlatform.of("PostgreSQL")).isEqualTo(JdbcPlatform.POSTGRESQL);
		assertThat(JdbcPlatform.of("mariadb")).isEqualTo(JdbcPlatform.MYSQL);
		assertThat(JdbcPlatform.of("mysql").getSchemaLocation())
			.isEqualTo("classpath:io/gtask/backend/jdbc/schema-mysql.sql");
		assertThat(JdbcPlatform.of("h2")).isEqualTo(JdbcPlatform.H2);
		assertThatIllegalArgumentException().isThrownBy(() -> JdbcPlatform.of("oracle"))
			.withMessageContaining("postgresql, mysql, mariadb or h2");
	}

}
