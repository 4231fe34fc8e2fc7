package io.gtask.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;

/**
 * Handlers that record when and in which order they run, shared by every context of a test
 * (and so by every instance of a multi-instance test), for the scheduling and flow control
 * tests.
 */
public class FlowHandlers {

	static final List<String> ORDER = new CopyOnWriteArrayList<>();

	static final List<Long> STARTS = new CopyOnWriteArrayList<>();

	static final AtomicInteger RUNNING = new AtomicInteger();

	static final AtomicInteger MOST_RUNNING = new AtomicInteger();

	static final AtomicInteger RUNS = new AtomicInteger();

	static final List<String> CANCELLED = new CopyOnWriteArrayList<>();

	static void reset() {
		ORDER.clear();
		STARTS.clear();
		RUNNING.set(0);
		MOST_RUNNING.set(0);
		RUNS.set(0);
		CANCELLED.clear();
	}

	@TaskHandler("record")
	public String record(String tag) {
		ORDER.add(tag);
		RUNS.incrementAndGet();
		return tag;
	}

	@TaskHandler(value = "limited", concurrency = 2)
	public void limited(long millis) throws InterruptedException {
		hold(millis);
	}

	@TaskHandler(value = "exclusive", concurrency = 1)
	public void exclusive(long millis) throws InterruptedException {
		hold(millis);
	}

	@TaskHandler(value = "perInstance", localConcurrency = 1)
	public void perInstance(long millis) throws InterruptedException {
		hold(millis);
	}

	@TaskHandler(value = "rated", rateLimit = "5/1s")
	public void rated() {
		STARTS.add(System.currentTimeMillis());
		RUNS.incrementAndGet();
	}

	@TaskHandler(value = "block", timeout = "30s", maxRetries = 3)
	public void block(TaskContext context) {
		try {
			Thread.sleep(30_000);
		}
		catch (InterruptedException ex) {
			if (context.isCancelled()) {
				CANCELLED.add(context.id());
			}
			Thread.currentThread().interrupt();
		}
	}

	private static void hold(long millis) throws InterruptedException {
		int now = RUNNING.incrementAndGet();
		MOST_RUNNING.accumulateAndGet(now, Math::max);
		RUNS.incrementAndGet();
		try {
			Thread.sleep(millis);
		}
		finally {
			RUNNING.decrementAndGet();
		}
	}

}
