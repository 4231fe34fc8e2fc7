package io.gtask.it;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.gtask.worker.WorkerInfo;
import io.gtask.worker.WorkerRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stopping worker leaves the worker registry for good: a heartbeat under way while it stops
 * does not bring it back.
 */
class WorkerRegistrationIntegrationTests {

	@Test
	void aHeartbeatUnderWayWhenTheWorkerStopsDoesNotRegisterItAgain() throws Exception {
		BlockingRegistry registry = new BlockingRegistry();
		ScheduledExecutorService releaser = Executors.newSingleThreadScheduledExecutor();
		try {
			GTaskTestSupport.runner()
				.withPropertyValues("gtask.worker.queues=default", "gtask.worker.reclaim-interval=100ms")
				.withBean(WorkerRegistry.class, () -> registry)
				.run((context) -> {
					await().atMost(Duration.ofSeconds(10)).until(() -> !registry.workers.isEmpty());
					registry.blockNext.set(true);
					assertThat(registry.blocked.await(10, TimeUnit.SECONDS)).isTrue();
					// the heartbeat's write is held while the context closes, and let go after the
					// worker was removed
					releaser.schedule(registry.release::countDown, 1500, TimeUnit.MILLISECONDS);
				});
			assertThat(registry.unregistered).isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.heldWriteLanded);
			assertThat(registry.workers).isEmpty();
		}
		finally {
			releaser.shutdownNow();
		}
	}

	static final class BlockingRegistry implements WorkerRegistry {

		final Map<String, WorkerInfo> workers = new ConcurrentHashMap<>();

		final AtomicBoolean blockNext = new AtomicBoolean();

		final CountDownLatch blocked = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		volatile boolean unregistered;

		volatile boolean heldWriteLanded;

		@Override
		public void register(WorkerInfo worker) {
			if (this.blockNext.compareAndSet(true, false)) {
				this.blocked.countDown();
				try {
					this.release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					// a write already sent still lands
				}
				this.workers.put(worker.name(), worker);
				this.heldWriteLanded = true;
				return;
			}
			this.workers.put(worker.name(), worker);
		}

		@Override
		public void unregister(String name) {
			this.workers.remove(name);
			this.unregistered = true;
		}

		@Override
		public List<WorkerInfo> workers(Instant now) {
			return List.copyOf(this.workers.values());
		}

	}

}
