package io.gtask.backend.mongo;

import java.time.Duration;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.ResultBackendContractTests;
import io.gtask.test.TestMongo;

/**
 * The result backend contract on MongoDB (see {@link TestMongo} for which server).
 */
class MongoResultBackendContractTests extends ResultBackendContractTests {

	@Override
	protected ResultBackend createBackend(Duration timeToLive, Duration pollInterval) {
		MongoResultBackend backend = new MongoResultBackend(TestMongo.get().template(), TestMongo.uniqueCollection(),
				timeToLive, pollInterval);
		backend.start();
		return backend;
	}

}
