package io.gtask.autoconfigure;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.mongo.MongoResultBackend;
import io.gtask.core.TaskClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of gtask's MongoDB result backend, chosen with
 * {@code gtask.backend.type=mongo}: a {@link MongoResultBackend} on the application's
 * {@link MongoTemplate}, which Spring Boot builds from {@code spring.mongodb.*}. Startup fails
 * with an explanation when the backend is chosen but Spring Data MongoDB or a single
 * {@code MongoTemplate} is missing, unless the application defines its own
 * {@link ResultBackend}.
 */
@AutoConfiguration(before = GTaskAutoConfiguration.class,
		afterName = "org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration")
@ConditionalOnClass({ TaskClient.class, LettuceConnectionFactory.class })
@ConditionalOnProperty(prefix = "gtask.backend", name = "type", havingValue = "mongo")
@EnableConfigurationProperties(GTaskProperties.class)
@ConditionalOnMissingBean(type = "io.gtask.testing.InProcessTasks")
public final class GTaskMongoBackendAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MongoTemplate.class)
	static class MongoBackendConfiguration {

		@Bean
		@ConditionalOnMissingBean(ResultBackend.class)
		MongoResultBackend resultBackend(ObjectProvider<MongoTemplate> mongoTemplate, GTaskProperties properties) {
			MongoTemplate template = mongoTemplate.getIfUnique();
			if (template == null) {
				throw new IllegalStateException("gtask.backend.type=mongo needs a single MongoTemplate bean, but the "
						+ "application has " + (mongoTemplate.stream().findAny().isPresent()
								? "several and none is @Primary" : "none")
						+ ". Add spring-boot-starter-data-mongodb and configure spring.mongodb.uri, mark one "
						+ "MongoTemplate @Primary, or define your own ResultBackend bean.");
			}
			BackendProperties.Mongo mongo = properties.getBackend().getMongo();
			MongoResultBackend backend = new MongoResultBackend(template, mongo.getCollection(),
					properties.getResult().getTtl(), properties.getResult().getPollInterval());
			PropertyMapper map = PropertyMapper.get();
			map.from(mongo::isCreateIndexes).to(backend::setCreateIndexes);
			map.from(properties.getBackend()::getMaxHistory).to(backend::setMaxHistory);
			return backend;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.springframework.data.mongodb.core.MongoTemplate")
	static class SpringDataMongoMissingConfiguration {

		@Bean
		@ConditionalOnMissingBean(ResultBackend.class)
		ResultBackend resultBackend() {
			throw new IllegalStateException("gtask.backend.type=mongo needs Spring Data MongoDB, which is not on the "
					+ "classpath. Add spring-boot-starter-data-mongodb, or define your own ResultBackend bean.");
		}

	}

}
