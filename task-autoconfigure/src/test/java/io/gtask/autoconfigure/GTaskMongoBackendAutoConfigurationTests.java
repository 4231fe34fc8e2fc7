package io.gtask.autoconfigure;

import java.time.Duration;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.mongo.MongoResultBackend;
import io.gtask.backend.redis.RedisResultBackend;
import io.gtask.client.DefaultTaskClient;
import io.gtask.test.TestMongo;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.MongoTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Conditions, back-off and properties of {@link GTaskMongoBackendAutoConfiguration}, with
 * Spring Boot's MongoDB auto-configuration connected to the test MongoDB. The consumer
 * container is not started, so no Redis is needed here.
 */
class GTaskMongoBackendAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				MongoAutoConfiguration.class, DataMongoAutoConfiguration.class, GTaskAutoConfiguration.class,
				GTaskMongoBackendAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1", "spring.mongodb.uri=" + TestMongo.get().uri(),
				"gtask.backend.mongo.collection=" + TestMongo.uniqueCollection())
		.withBean("noAutoStartup", GTaskAutoConfigurationTests.NoAutoStartup.class);

	private final ApplicationContextRunner withoutSpringBootMongo = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				GTaskAutoConfiguration.class, GTaskMongoBackendAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1")
		.withBean("noAutoStartup", GTaskAutoConfigurationTests.NoAutoStartup.class);

	@Test
	void typeMongoCreatesTheMongoBackendOnTheApplicationsTemplateInsteadOfTheRedisBackend() {
		this.runner.withPropertyValues("gtask.backend.type=mongo").run((context) -> {
			assertThat(context).hasSingleBean(ResultBackend.class);
			assertThat(context).hasSingleBean(MongoResultBackend.class);
			assertThat(context).doesNotHaveBean(RedisResultBackend.class);
			MongoResultBackend backend = context.getBean(MongoResultBackend.class);
			assertThat(backend).extracting("mongo").isSameAs(context.getBean(MongoTemplate.class));
			assertThat(context.getBean(DefaultTaskClient.class)).extracting("backend").isSameAs(backend);
			assertThat(backend.isRunning()).isTrue();
		});
	}

	@Test
	void typeIsCaseInsensitive() {
		this.runner.withPropertyValues("gtask.backend.type=MONGO")
			.run((context) -> assertThat(context).hasSingleBean(MongoResultBackend.class));
	}

	@Test
	void bindsMongoBackendProperties() {
		this.runner
			.withPropertyValues("gtask.backend.type=mongo", "gtask.backend.mongo.collection=billing_tasks",
					"gtask.backend.mongo.create-indexes=false", "gtask.result.ttl=2h",
					"gtask.result.poll-interval=250ms", "gtask.backend.max-history=7")
			.run((context) -> {
				MongoResultBackend backend = context.getBean(MongoResultBackend.class);
				assertThat(backend.getCollection()).isEqualTo("billing_tasks");
				assertThat(backend.getTimeToLive()).isEqualTo(Duration.ofHours(2));
				assertThat(backend).extracting("createIndexes").isEqualTo(false);
				assertThat(backend.getMaxHistory()).isEqualTo(7);
				assertThat(backend).extracting("poller").extracting("interval").isEqualTo(Duration.ofMillis(250));
				assertThat(context.getBean(MongoTemplate.class).collectionExists("billing_tasks")).isFalse();
			});
	}

	@Test
	void propertyDefaultsAreTheBackendDefaults() {
		BackendProperties.Mongo mongo = new GTaskProperties().getBackend().getMongo();
		assertThat(mongo.getCollection()).isEqualTo(MongoResultBackend.DEFAULT_COLLECTION);
		assertThat(mongo.isCreateIndexes()).isTrue();
		assertThat(new GTaskProperties().getBackend().getMaxHistory()).isEqualTo(new MongoResultBackend(
				mock(MongoOperations.class), MongoResultBackend.DEFAULT_COLLECTION, Duration.ofHours(1),
				Duration.ofSeconds(1))
			.getMaxHistory());
	}

	@Test
	void backsOffForAUserResultBackend() {
		this.runner.withPropertyValues("gtask.backend.type=mongo")
			.withUserConfiguration(UserBackend.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(MongoResultBackend.class);
				assertThat(context).doesNotHaveBean(RedisResultBackend.class);
				assertThat(context.getBean(ResultBackend.class)).isSameAs(context.getBean("userBackend"));
			});
	}

	@Test
	void defaultTypeIgnoresMongoDB() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(MongoTemplate.class);
			assertThat(context).doesNotHaveBean(MongoResultBackend.class);
			assertThat(context).hasSingleBean(RedisResultBackend.class);
		});
	}

	@Test
	void typeRedisIgnoresMongoDB() {
		this.runner.withPropertyValues("gtask.backend.type=redis").run((context) -> {
			assertThat(context).doesNotHaveBean(MongoResultBackend.class);
			assertThat(context).hasSingleBean(RedisResultBackend.class);
		});
	}

	@Test
	void typeMongoWithoutAMongoTemplateFailsWithAnExplanation() {
		this.withoutSpringBootMongo.withPropertyValues("gtask.backend.type=mongo").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("gtask.backend.type=mongo needs a single MongoTemplate bean")
				.hasMessageContaining("has none")
				.hasMessageContaining("spring.mongodb.uri");
		});
	}

	@Test
	void typeMongoWithSeveralMongoTemplatesAndNoPrimaryFailsWithAnExplanation() {
		this.withoutSpringBootMongo.withPropertyValues("gtask.backend.type=mongo")
			.withUserConfiguration(TwoTemplates.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("several and none is @Primary"));
	}

	@Test
	void typeMongoWithoutSpringDataMongoDBFailsWithAnExplanation() {
		this.withoutSpringBootMongo.withPropertyValues("gtask.backend.type=mongo")
			.withClassLoader(new FilteredClassLoader(MongoTemplate.class))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("gtask.backend.type=mongo needs Spring Data MongoDB")
				.hasMessageContaining("spring-boot-starter-data-mongodb"));
	}

	@Test
	void userResultBackendNeedsNoMongoDB() {
		this.withoutSpringBootMongo.withPropertyValues("gtask.backend.type=mongo")
			.withClassLoader(new FilteredClassLoader(MongoTemplate.class))
			.withUserConfiguration(UserBackend.class)
			.run((context) -> assertThat(context.getBean(ResultBackend.class))
				.isSameAs(context.getBean("userBackend")));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBackend {

		@Bean
		ResultBackend userBackend() {
			return mock(ResultBackend.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoTemplates {

		@Bean
		MongoTemplate firstTemplate() {
			return TestMongo.get().template();
		}

		@Bean
		MongoTemplate secondTemplate() {
			return TestMongo.get().template();
		}

	}

}
