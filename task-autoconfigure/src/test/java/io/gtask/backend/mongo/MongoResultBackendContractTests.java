package io.gtask.backend.mongo;

import java.time.Duration;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.DurableResultBackendContractTests;
import io.gtask.backend.TaskHistory;
import io.gtask.test.TestMongo;

/**
 * The result backend contract on MongoDB (see {@link TestMongo} for which server).
 */
class MongoResultBackendContractTests extends DurableResultBackendContractTests {

	@Override
	protected ResultBackend createBackend(Duration timeToLive, Duration pollInterval, int maxHistory) {
		MongoResultBackend backend = new MongoResultBackend(TestMongo.get().template(), TestMongo.uniqueCollection(),
				timeToLive, pollInterval);
		backend.setMaxHistory(maxHistory);
		backend.start();
		return backend;
	}

	@Override
	protected ResultBackend createTrackedBackend() {
		return track(createBackend(TTL, Duration.ofMillis(200), TaskHistory.DEFAULT_MAX_HISTORY));
	}

}
