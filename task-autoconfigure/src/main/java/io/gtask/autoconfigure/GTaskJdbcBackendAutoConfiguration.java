package io.gtask.autoconfigure;

import javax.sql.DataSource;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.jdbc.JdbcPlatform;
import io.gtask.backend.jdbc.JdbcResultBackend;
import io.gtask.backend.jdbc.JdbcResultBackendSchemaInitializer;
import io.gtask.core.TaskClient;
import io.gtask.lifecycle.SharedScheduler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Auto-configuration of gtask's JDBC result backend, when {@code gtask.backend.type=jdbc}: a
 * {@link JdbcResultBackend} on the application's {@link DataSource}, after the initializer that
 * creates its table (on embedded databases by default, see
 * {@code gtask.backend.jdbc.initialize-schema}) and any other database initializer, such as
 * Flyway or Liquibase. Backs off when the application defines a {@link ResultBackend}. Without a
 * single {@link DataSource}, startup fails and says so.
 */
@AutoConfiguration(before = GTaskAutoConfiguration.class, after = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ TaskClient.class, JdbcTemplate.class, DataSourceScriptDatabaseInitializer.class })
@ConditionalOnProperty(prefix = "gtask.backend", name = "type", havingValue = "jdbc")
@EnableConfigurationProperties({ GTaskProperties.class, GTaskJdbcBackendProperties.class })
@ConditionalOnMissingBean(type = "io.gtask.testing.InProcessTasks")
public final class GTaskJdbcBackendAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnSingleCandidate(DataSource.class)
	@ConditionalOnMissingBean(ResultBackend.class)
	@Import(DatabaseInitializationDependencyConfigurer.class)
	static class JdbcBackendConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JdbcResultBackendSchemaInitializer gtaskJdbcSchemaInitializer(DataSource dataSource,
				GTaskJdbcBackendProperties jdbc) {
			return new JdbcResultBackendSchemaInitializer(dataSource, JdbcResultBackendSchemaInitializer
				.getSettings(platform(dataSource, jdbc), jdbc.getInitializeSchema()), jdbc.getTablePrefix());
		}

		@Bean
		@ConditionalOnMissingBean(ResultBackend.class)
		@DependsOnDatabaseInitialization
		JdbcResultBackend jdbcResultBackend(DataSource dataSource, GTaskProperties properties,
				GTaskJdbcBackendProperties jdbc, ObjectProvider<SharedScheduler> scheduler) {
			JdbcResultBackend backend = new JdbcResultBackend(dataSource, platform(dataSource, jdbc),
					jdbc.getTablePrefix(), properties.getResult().getTtl(), properties.getResult().getPollInterval());
			PropertyMapper map = PropertyMapper.get();
			map.from(jdbc::getCleanupInterval).to(backend::setCleanupInterval);
			map.from(jdbc::getCleanupBatchSize).to(backend::setCleanupBatchSize);
			map.from(properties.getBackend()::getMaxHistory).to(backend::setMaxHistory);
			scheduler.ifAvailable((shared) -> backend.setTaskScheduler(shared.getTaskScheduler()));
			return backend;
		}

		private static JdbcPlatform platform(DataSource dataSource, GTaskJdbcBackendProperties jdbc) {
			if (jdbc.getPlatform() == null || jdbc.getPlatform().isBlank()) {
				return JdbcPlatform.detect(dataSource);
			}
			try {
				return JdbcPlatform.of(jdbc.getPlatform());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("gtask.backend.jdbc.platform", jdbc.getPlatform(),
						"Use postgresql, mysql, mariadb or h2.");
			}
		}

	}

	/**
	 * Fails startup with a message that names the cause when there is no DataSource to use,
	 * rather than leaving the client without any result backend.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(NoSingleDataSourceCondition.class)
	@ConditionalOnMissingBean(ResultBackend.class)
	static class MissingDataSourceConfiguration {

		@Bean
		ResultBackend jdbcResultBackend(ObjectProvider<DataSource> dataSources) {
			long count = dataSources.stream().count();
			String found = (count == 0) ? "there is none"
					: "there are " + count + " and none of them is the primary one";
			throw new InvalidConfigurationPropertyValueException("gtask.backend.type", "jdbc",
					"The JDBC result backend needs a DataSource bean, but " + found + ". Add "
							+ "spring-boot-starter-jdbc and a JDBC driver and configure spring.datasource.*, mark one "
							+ "DataSource @Primary, define a ResultBackend bean, or choose another gtask.backend.type.");
		}

	}

	static class NoSingleDataSourceCondition extends NoneNestedConditions {

		NoSingleDataSourceCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnSingleCandidate(DataSource.class)
		static class SingleDataSource {

		}

	}

}
