package io.gtask.backend.mongo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.gtask.core.GTaskException;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFoundException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Completes the futures of callers that wait for tasks to finish, by reading all waited tasks
 * in one query per interval on one thread, however many callers wait.
 * <p>
 * A new waiter is checked at once (waiters that arrive together share that read too), so that
 * waiting for a task that already finished, or that is unknown, takes one round trip.
 */
final class CompletionPoller {

	private static final LogAccessor logger = new LogAccessor(CompletionPoller.class);

	/**
	 * Most ids in one query, well below MongoDB's 16 MB command size for any id length.
	 */
	static final int MAX_IDS_PER_QUERY = 1000;

	private final Function<List<String>, Map<String, TaskInfo>> reader;

	private final Duration interval;

	private final Map<String, List<CompletableFuture<TaskInfo>>> waiting = new ConcurrentHashMap<>();

	private final ScheduledThreadPoolExecutor scheduler;

	private final AtomicBoolean checkRequested = new AtomicBoolean();

	private final ReentrantLock lock = new ReentrantLock();

	private boolean polling;

	/**
	 * Create a poller.
	 * @param reader reads the tasks of the given ids that are known and not expired, by id
	 * @param interval the time between two reads
	 */
	CompletionPoller(Function<List<String>, Map<String, TaskInfo>> reader, Duration interval) {
		this.reader = reader;
		this.interval = interval;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("gtask-result-");
		threads.setDaemon(true);
		this.scheduler = new ScheduledThreadPoolExecutor(1, threads);
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	CompletableFuture<TaskInfo> whenFinished(String id) {
		CompletableFuture<TaskInfo> future = new CompletableFuture<>();
		this.waiting.compute(id, (key, futures) -> {
			List<CompletableFuture<TaskInfo>> list = (futures != null) ? futures : new CopyOnWriteArrayList<>();
			list.add(future);
			return list;
		});
		// a cancelled or completed future is no longer read
		future.whenComplete((info, ex) -> this.waiting.computeIfPresent(id, (key, futures) -> {
			futures.remove(future);
			return futures.isEmpty() ? null : futures;
		}));
		try {
			startPolling();
			if (this.checkRequested.compareAndSet(false, true)) {
				this.scheduler.execute(() -> {
					this.checkRequested.set(false);
					poll();
				});
			}
		}
		catch (RejectedExecutionException ex) {
			// closed meanwhile
		}
		if (this.scheduler.isShutdown()) {
			future.completeExceptionally(closed(id));
		}
		return future;
	}

	private void startPolling() {
		this.lock.lock();
		try {
			if (!this.polling) {
				long millis = Math.max(1, this.interval.toMillis());
				this.scheduler.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
				this.polling = true;
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Read every waited task once and settle the futures of those that finished or are unknown.
	 */
	void poll() {
		List<String> ids = new ArrayList<>(this.waiting.keySet());
		for (int from = 0; from < ids.size(); from += MAX_IDS_PER_QUERY) {
			List<String> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_QUERY));
			Map<String, TaskInfo> found;
			try {
				found = this.reader.apply(chunk);
			}
			catch (RuntimeException ex) {
				logger.debug(ex, () -> "Could not read the state of " + chunk.size() + " awaited tasks; will read again");
				return;
			}
			for (String id : chunk) {
				settle(id, found.get(id));
			}
		}
	}

	private void settle(String id, @Nullable TaskInfo info) {
		if (info != null && !info.isFinished()) {
			return;
		}
		List<CompletableFuture<TaskInfo>> futures = this.waiting.get(id);
		if (futures == null) {
			return;
		}
		for (CompletableFuture<TaskInfo> future : futures) {
			if (info == null) {
				future.completeExceptionally(new TaskNotFoundException(id));
			}
			else {
				future.complete(info);
			}
		}
	}

	/**
	 * How many tasks are waited for.
	 */
	int waitingCount() {
		return this.waiting.size();
	}

	/**
	 * Stop reading, and fail the futures still waiting, so that no caller waits forever.
	 */
	void close() {
		this.scheduler.shutdownNow();
		for (Map.Entry<String, List<CompletableFuture<TaskInfo>>> entry : this.waiting.entrySet()) {
			for (CompletableFuture<TaskInfo> future : entry.getValue()) {
				future.completeExceptionally(closed(entry.getKey()));
			}
		}
	}

	private static GTaskException closed(String id) {
		return new GTaskException("The result backend was closed while waiting for task '" + id + "'");
	}

}
