package io.gtask.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
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
import org.springframework.util.Assert;

/**
 * Completes the futures of callers waiting for tasks to finish, for result backends whose store
 * tells nobody that a task changed. One thread reads the states of all awaited tasks every poll
 * interval, a chunk of ids per read, however many callers wait.
 * <p>
 * Newly awaited tasks are read at once (callers that arrive together share that read), so that
 * waiting for a task that finished already, or is unknown, takes one round trip rather than a
 * poll interval. Nothing is read while nobody waits.
 */
public final class CompletionPoller {

	private static final LogAccessor logger = new LogAccessor(CompletionPoller.class);

	private final Function<List<String>, Map<String, TaskInfo>> reader;

	private final Duration interval;

	private final int idsPerRead;

	private final ScheduledThreadPoolExecutor executor;

	private final Map<String, List<CompletableFuture<TaskInfo>>> waiting = new ConcurrentHashMap<>();

	private final Set<String> newlyAwaited = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean readQueued = new AtomicBoolean();

	private final ReentrantLock lock = new ReentrantLock();

	private volatile @Nullable ScheduledFuture<?> polling;

	/**
	 * Create a poller; its thread starts with the first caller.
	 * @param threadNamePrefix the prefix of the name of the poller's thread, which tells the
	 * backend in a thread dump
	 * @param reader reads the tasks of some ids, and answers those it knows (and that have not
	 * expired) by id
	 * @param interval the time between two polls
	 * @param idsPerRead the most ids given to the reader at once
	 */
	public CompletionPoller(String threadNamePrefix, Function<List<String>, Map<String, TaskInfo>> reader,
			Duration interval, int idsPerRead) {
		Assert.isTrue(idsPerRead > 0, "Ids per read must be positive");
		this.reader = reader;
		this.interval = interval;
		this.idsPerRead = idsPerRead;
		CustomizableThreadFactory threads = new CustomizableThreadFactory(threadNamePrefix);
		threads.setDaemon(true);
		this.executor = new ScheduledThreadPoolExecutor(1, threads);
		this.executor.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Return a future completed once the task is finished, or exceptionally with
	 * {@link TaskNotFoundException} once it is unknown, or with {@link GTaskException} once the
	 * poller is closed. Cancelling it stops reading the task for this caller.
	 * @param id the task's id
	 * @return the future
	 */
	public CompletableFuture<TaskInfo> whenFinished(String id) {
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
		this.newlyAwaited.add(id);
		try {
			// checked after registering, so that a concurrent close either sees the future or is seen
			if (this.executor.isShutdown()) {
				throw new RejectedExecutionException();
			}
			startPolling();
			if (this.readQueued.compareAndSet(false, true)) {
				this.executor.execute(this::readNewlyAwaited);
			}
		}
		catch (RejectedExecutionException ex) {
			future.completeExceptionally(closed(id));
		}
		return future;
	}

	private void startPolling() {
		if (this.polling != null) {
			return;
		}
		this.lock.lock();
		try {
			if (this.polling == null) {
				long millis = Math.max(1, this.interval.toMillis());
				this.polling = this.executor.scheduleWithFixedDelay(this::readAwaited, millis, millis,
						TimeUnit.MILLISECONDS);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void readNewlyAwaited() {
		this.readQueued.set(false);
		List<String> ids = new ArrayList<>(this.newlyAwaited);
		this.newlyAwaited.removeAll(ids);
		read(ids);
	}

	private void readAwaited() {
		if (!this.waiting.isEmpty()) {
			read(new ArrayList<>(this.waiting.keySet()));
		}
	}

	/**
	 * Read the tasks among the ids that are still awaited, and tell the callers of those that
	 * are finished or unknown.
	 */
	private void read(List<String> ids) {
		for (int from = 0; from < ids.size(); from += this.idsPerRead) {
			List<String> chunk = new ArrayList<>(ids.subList(from, Math.min(ids.size(), from + this.idsPerRead)));
			chunk.removeIf((id) -> !this.waiting.containsKey(id));
			if (chunk.isEmpty()) {
				continue;
			}
			Map<String, TaskInfo> found;
			try {
				found = this.reader.apply(chunk);
			}
			catch (RuntimeException ex) {
				logger.debug(ex, () -> "Could not read the states of " + chunk.size()
						+ " awaited tasks; will read them again");
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
		// taken out before the callers are told, so that what they do next sees the task no longer
		// awaited; a caller arriving meanwhile gets a new list, read as newly awaited
		List<CompletableFuture<TaskInfo>> futures = this.waiting.remove(id);
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
	 * Return how many tasks callers wait for.
	 * @return the number of awaited tasks
	 */
	public int awaitedTaskCount() {
		return this.waiting.size();
	}

	/**
	 * Stop the thread, and fail the futures of callers still waiting, so that no caller waits
	 * forever; callers that arrive later fail at once.
	 */
	public void close() {
		this.executor.shutdownNow();
		this.waiting.forEach((id, futures) -> futures.forEach((future) -> future.completeExceptionally(closed(id))));
	}

	private static GTaskException closed(String id) {
		return new GTaskException("The result backend was closed while waiting for task '" + id + "'");
	}

}
