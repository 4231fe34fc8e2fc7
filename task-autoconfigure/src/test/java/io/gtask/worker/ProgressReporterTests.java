package io.gtask.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.gtask.core.TaskProgress;
import io.gtask.progress.ProgressStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ProgressReporter}.
 */
class ProgressReporterTests {

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stop() {
		this.timer.shutdownNow();
	}

	@Test
	void aReportWrittenLateByTheTimerNeverLandsAfterTheLastReport() throws Exception {
		CountDownLatch timerWriteStarted = new CountDownLatch(1);
		CountDownLatch releaseTimerWrite = new CountDownLatch(1);
		List<Double> written = new CopyOnWriteArrayList<>();
		ProgressStore store = new RecordingStore(written, (fraction) -> {
			if (fraction == 0.5) {
				// the timer's write of an earlier report stalls (a slow round trip)
				timerWriteStarted.countDown();
				block(releaseTimerWrite);
			}
		});
		ProgressReporter reporter = new ProgressReporter(store, JsonMapper.builder().build(), this.timer,
				Clock.systemUTC());
		ProgressReporter.Attempt attempt = reporter.attempt("t-1", "report");
		attempt.report(0.1, null, null);
		attempt.report(0.5, null, null);
		assertThat(timerWriteStarted.await(10, TimeUnit.SECONDS)).isTrue();
		// the handler's last report, and the end of the attempt, while that write is under way
		CompletableFuture<Void> finished = CompletableFuture.runAsync(() -> {
			attempt.report(1.0, null, null);
			attempt.finish();
		});
		Thread.sleep(200);
		releaseTimerWrite.countDown();
		finished.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 3);
		assertThat(written).containsExactly(0.1, 0.5, 1.0);
	}

	private static void block(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private record RecordingStore(List<Double> written, Consumer<Double> beforeWrite) implements ProgressStore {

		@Override
		public void write(String taskId, TaskProgress progress) {
			this.beforeWrite.accept(progress.fraction());
			this.written.add(progress.fraction());
		}

		@Override
		public Optional<TaskProgress> read(String taskId) {
			return Optional.empty();
		}

		@Override
		public AutoCloseable subscribe(String taskId, Consumer<TaskProgress> listener) {
			return () -> {
			};
		}

	}

}
