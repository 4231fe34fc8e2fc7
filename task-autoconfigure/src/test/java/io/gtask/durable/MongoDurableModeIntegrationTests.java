package io.gtask.durable;

import io.gtask.autoconfigure.GTaskMongoBackendAutoConfiguration;
import io.gtask.test.TestMongo;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Durable mode on the MongoDB backend (see {@link TestMongo} for which server).
 */
class MongoDurableModeIntegrationTests extends DurableModeIntegrationTests {

	@Override
	protected ApplicationContextRunner withBackend(ApplicationContextRunner runner) {
		return runner
			.withConfiguration(AutoConfigurations.of(MongoAutoConfiguration.class, DataMongoAutoConfiguration.class,
					GTaskMongoBackendAutoConfiguration.class))
			.withPropertyValues("spring.mongodb.uri=" + TestMongo.get().uri(), "gtask.backend.type=mongo",
					"gtask.backend.mongo.collection=" + TestMongo.uniqueCollection());
	}

}
