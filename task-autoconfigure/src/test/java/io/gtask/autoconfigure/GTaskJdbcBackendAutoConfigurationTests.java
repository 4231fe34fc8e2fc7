package io.gtask.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.jdbc.JdbcPlatform;
import io.gtask.backend.jdbc.JdbcResultBackend;
import io.gtask.backend.jdbc.JdbcResultBackendSchemaInitializer;
import io.gtask.backend.redis.RedisResultBackend;
import io.gtask.client.DefaultTaskClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Conditions, back-off and properties of {@link GTaskJdbcBackendAutoConfiguration}, on an H2
 * database in memory. No worker is created, so no Redis is needed.
 */
class GTaskJdbcBackendAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				DataSourceAutoConfiguration.class, GTaskJdbcBackendAutoConfiguration.class,
				GTaskAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1", "gtask.worker.enabled=false");

	private final ApplicationContextRunner jdbcRunner = this.runner.withPropertyValues("gtask.backend.type=jdbc");

	private static Integer taskRows(DataSource dataSource, String table) {
		return new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
	}

	@Test
	void jdbcTypeUsesTheJdbcBackendOnTheDataSourceAndCreatesItsTableOnAnEmbeddedDatabase() {
		this.jdbcRunner.run((context) -> {
			assertThat(context).hasSingleBean(JdbcResultBackend.class);
			assertThat(context).hasSingleBean(ResultBackend.class);
			assertThat(context).doesNotHaveBean(RedisResultBackend.class);
			assertThat(context).hasSingleBean(JdbcResultBackendSchemaInitializer.class);
			assertThat(context.getBean(DefaultTaskClient.class)).extracting("backend")
				.isSameAs(context.getBean(JdbcResultBackend.class));
			JdbcResultBackend backend = context.getBean(JdbcResultBackend.class);
			assertThat(backend.getPlatform()).isEqualTo(JdbcPlatform.H2);
			assertThat(backend.getTableName()).isEqualTo("gtask_task");
			assertThat(backend.isRunning()).isTrue();
			assertThat(taskRows(context.getBean(DataSource.class), "gtask_task")).isZero();
		});
	}

	@Test
	void cleanerAndReaperRunOnTheSharedScheduler() {
		this.jdbcRunner.withPropertyValues("gtask.durable.enabled=true").run((context) -> {
			Object shared = context.getBean(io.gtask.lifecycle.SharedScheduler.class).getTaskScheduler();
			assertThat(context.getBean(JdbcResultBackend.class)).extracting("taskScheduler").isSameAs(shared);
			assertThat(context.getBean(io.gtask.durable.TaskReaper.class)).extracting("taskScheduler").isSameAs(shared);
		});
	}

	@Test
	void backendIsCreatedAfterTheDatabaseInitializers() {
		this.jdbcRunner.run((context) -> assertThat(
				context.getBeanFactory().getBeanDefinition("jdbcResultBackend").getDependsOn())
			.contains("gtaskJdbcSchemaInitializer"));
	}

	@Test
	void bindsTheJdbcAndResultProperties() {
		this.jdbcRunner
			.withPropertyValues("gtask.result.ttl=2h", "gtask.result.poll-interval=250ms",
					"gtask.backend.jdbc.table-prefix=billing_", "gtask.backend.jdbc.cleanup-interval=5m",
					"gtask.backend.jdbc.cleanup-batch-size=50", "gtask.backend.jdbc.platform=h2",
					"gtask.backend.max-history=7")
			.run((context) -> {
				JdbcResultBackend backend = context.getBean(JdbcResultBackend.class);
				assertThat(backend.getTimeToLive()).isEqualTo(Duration.ofHours(2));
				assertThat(backend.getPollInterval()).isEqualTo(Duration.ofMillis(250));
				assertThat(backend).extracting("cleanupInterval").isEqualTo(Duration.ofMinutes(5));
				assertThat(backend).extracting("cleanupBatchSize").isEqualTo(50);
				assertThat(backend.getMaxHistory()).isEqualTo(7);
				assertThat(backend.getTableName()).isEqualTo("billing_task");
				assertThat(taskRows(context.getBean(DataSource.class), "billing_task")).isZero();
			});
	}

	@Test
	void neverInitializeSchemaCreatesNoTable() {
		this.jdbcRunner.withPropertyValues("gtask.backend.jdbc.initialize-schema=never").run((context) -> {
			assertThat(context).hasSingleBean(JdbcResultBackend.class);
			Integer tables = new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
					"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE LOWER(TABLE_NAME) = 'gtask_task'",
					Integer.class);
			assertThat(tables).isZero();
		});
	}

	@Test
	void platformPropertyOverridesDetection() {
		this.jdbcRunner
			.withPropertyValues("gtask.backend.jdbc.platform=mariadb", "gtask.backend.jdbc.initialize-schema=never")
			.run((context) -> assertThat(context.getBean(JdbcResultBackend.class).getPlatform())
				.isEqualTo(JdbcPlatform.MYSQL));
	}

	@Test
	void unsupportedPlatformPropertyFailsStartup() {
		this.jdbcRunner.withPropertyValues("gtask.backend.jdbc.platform=oracle")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("gtask.backend.jdbc.platform"));
	}

	@Test
	void backsOffForAUserResultBackend() {
		ResultBackend backend = mock(ResultBackend.class);
		this.jdbcRunner.withBean("userBackend", ResultBackend.class, () -> backend).run((context) -> {
			assertThat(context.getBean(ResultBackend.class)).isSameAs(backend);
			assertThat(context).doesNotHaveBean(JdbcResultBackend.class);
			assertThat(context).doesNotHaveBean(JdbcResultBackendSchemaInitializer.class);
		});
	}

	@Test
	void backsOffForAUserSchemaInitializer() {
		this.jdbcRunner
			.withBean("customInitializer", JdbcResultBackendSchemaInitializer.class,
					() -> new JdbcResultBackendSchemaInitializer(
							new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build(),
							JdbcResultBackendSchemaInitializer.getSettings(JdbcPlatform.H2,
									DatabaseInitializationMode.NEVER),
							"gtask_"))
			.run((context) -> {
				assertThat(context).hasSingleBean(JdbcResultBackendSchemaInitializer.class);
				assertThat(context).hasBean("customInitializer");
			});
	}

	@Test
	void redisTypeIsTheDefaultAndLeavesTheDataSourceAlone() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(DataSource.class);
			assertThat(context).hasSingleBean(RedisResultBackend.class);
			assertThat(context).doesNotHaveBean(JdbcResultBackend.class);
			assertThat(context).doesNotHaveBean(JdbcResultBackendSchemaInitializer.class);
		});
		this.runner.withPropertyValues("gtask.backend.type=redis")
			.run((context) -> assertThat(context).doesNotHaveBean(JdbcResultBackend.class));
	}

	@Test
	void jdbcTypeWithoutADataSourceFailsStartupAndSaysWhy() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					GTaskJdbcBackendAutoConfiguration.class, GTaskAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=1", "gtask.worker.enabled=false", "gtask.backend.type=jdbc")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("gtask.backend.type")
				.hasMessageContaining("needs a DataSource bean, but there is none"));
	}

	@Test
	void jdbcTypeWithTwoDataSourcesAndNoPrimaryFailsStartupAndSaysWhy() {
		this.jdbcRunner
			.withBean("one", DataSource.class,
					() -> new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build())
			.withBean("two", DataSource.class,
					() -> new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build())
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("there are 2 and none of them is the primary one"));
	}

	@Test
	void doesNothingWithoutSpringJdbc() {
		this.jdbcRunner.withClassLoader(new FilteredClassLoader(JdbcTemplate.class))
			.withBean("userBackend", ResultBackend.class, () -> mock(ResultBackend.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(JdbcResultBackend.class);
				assertThat(context).doesNotHaveBean(JdbcResultBackendSchemaInitializer.class);
			});
	}

	@Test
	void propertyDefaultsAreTheLibraryDefaults() {
		GTaskJdbcBackendProperties properties = new GTaskJdbcBackendProperties();
		assertThat(properties.getTablePrefix()).isEqualTo(JdbcResultBackend.DEFAULT_TABLE_PREFIX);
		assertThat(properties.getCleanupInterval()).isEqualTo(JdbcResultBackend.DEFAULT_CLEANUP_INTERVAL);
		assertThat(properties.getCleanupBatchSize()).isEqualTo(JdbcResultBackend.DEFAULT_CLEANUP_BATCH_SIZE);
		assertThat(properties.getInitializeSchema()).isEqualTo(DatabaseInitializationMode.EMBEDDED);
		assertThat(properties.getPlatform()).isNull();
		assertThat(new GTaskProperties().getBackend().getMaxHistory()).isEqualTo(new JdbcResultBackend(
				new org.springframework.jdbc.datasource.SimpleDriverDataSource(), JdbcPlatform.H2,
				JdbcResultBackend.DEFAULT_TABLE_PREFIX, Duration.ofHours(1), Duration.ofSeconds(1))
			.getMaxHistory());
	}

}
