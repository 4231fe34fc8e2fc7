package io.gtask.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.gtask.backend.ResultBackend;
import io.gtask.core.BatchInfo;
import io.gtask.core.BatchMembers;
import io.gtask.core.BatchRequest;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskAwaitTimeoutException;
import io.gtask.core.TaskBatches;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;

/**
 * {@link TaskBatches} on a {@link BatchTracker}, which changes batches, the {@link BatchStore}
 * that is read to show one, and the result backend that tells when one ends.
 */
public class DefaultTaskBatches implements TaskBatches {

	private static final int MAX_PAGE = 1000;

	private static final int MAX_SCAN_STEPS = 16;

	private static final List<String> FIELDS = List.of("state", "sealed", "total", "succeeded", "failed", "created",
			"finished", "description", "sent:complete", "sent:success");

	private final BatchTracker tracker;

	private final BatchStore store;

	private final ResultBackend backend;

	/**
	 * Create an instance.
	 * @param tracker changes batches
	 * @param store where batches are kept
	 * @param backend tells when a batch ends
	 */
	public DefaultTaskBatches(BatchTracker tracker, BatchStore store, ResultBackend backend) {
		this.tracker = tracker;
		this.store = store;
		this.backend = backend;
	}

	@Override
	public String start(BatchRequest request) {
		return this.tracker.start(request, true);
	}

	@Override
	public String open(BatchRequest request) {
		return this.tracker.start(request, false);
	}

	@Override
	public List<String> add(String batchId, List<TaskRequest> members) {
		return this.tracker.add(batchId, members);
	}

	@Override
	public void seal(String batchId) {
		this.tracker.seal(batchId);
	}

	@Override
	public BatchInfo info(String batchId) {
		return find(batchId).orElseThrow(() -> new TaskNotFoundException(batchId));
	}

	@Override
	public Optional<BatchInfo> find(String batchId) {
		List<@Nullable String> f = this.store.fields(batchId, FIELDS);
		if (f.get(0) == null) {
			return Optional.empty();
		}
		TaskStatus status = switch (f.get(0)) {
			case "RUNNING" -> TaskStatus.STARTED;
			case "SUCCESS" -> TaskStatus.SUCCESS;
			case "FAILURE" -> TaskStatus.FAILURE;
			case "REVOKED" -> TaskStatus.REVOKED;
			default -> throw new FlowStateException("Batch " + batchId + " has a state '" + f.get(0)
					+ "' that is not one gtask writes");
		};
		long total = number(batchId, "total", f.get(2));
		long succeeded = number(batchId, "succeeded", f.get(3));
		long failed = number(batchId, "failed", f.get(4));
		return Optional.of(new BatchInfo(batchId, f.get(7), status, "1".equals(f.get(1)), total,
				Math.max(0, total - succeeded - failed), succeeded, failed, instant(f.get(5), Instant.EPOCH),
				instant(f.get(6), null), (f.get(8) != null) ? batchId + ".complete" : null,
				(f.get(9) != null) ? batchId + ".success" : null));
	}

	@Override
	public BatchMembers members(String batchId, @Nullable String cursor, int count) {
		if (count < 1 || count > MAX_PAGE) {
			throw new IllegalArgumentException("The count of members of a page must be 1 to " + MAX_PAGE + ", not " + count);
		}
		long from = 0;
		if (cursor != null) {
			try {
				from = Long.parseUnsignedLong(cursor);
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("'" + cursor + "' is not a cursor of a page of members of a batch", ex);
			}
		}
		if (find(batchId).isEmpty()) {
			throw new TaskNotFoundException(batchId);
		}
		// a scan step may find few members (a hash of many fields is scanned bucket by bucket)
		List<String> taskIds = new ArrayList<>();
		long next = from;
		int steps = 0;
		do {
			BatchStore.MemberPage page = this.store.members(batchId, next, count - taskIds.size());
			taskIds.addAll(page.taskIds());
			next = page.cursor();
		}
		while (next != 0 && taskIds.size() < count && ++steps < MAX_SCAN_STEPS);
		return new BatchMembers(taskIds, (next != 0) ? Long.toUnsignedString(next) : null);
	}

	@Override
	public CompletableFuture<BatchInfo> whenFinished(String batchId) {
		return this.backend.whenFinished(batchId).thenApply((record) -> info(batchId));
	}

	@Override
	public BatchInfo await(String batchId, Duration timeout) {
		CompletableFuture<BatchInfo> future = whenFinished(batchId);
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			throw new TaskAwaitTimeoutException("Batch " + batchId + " did not end within " + timeout.toMillis()
					+ " ms; " + find(batchId).map((info) -> info.pending() + " of " + info.total() + " members pending"
							+ (info.sealed() ? "" : ", not sealed")).orElse("it is no longer known"), ex);
		}
		catch (InterruptedException ex) {
			future.cancel(false);
			Thread.currentThread().interrupt();
			throw new GTaskException("Interrupted while waiting for batch " + batchId, ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new GTaskException("Waiting for batch " + batchId + " failed", ex.getCause());
		}
	}

	@Override
	public boolean cancel(String batchId) {
		return this.tracker.cancel(batchId);
	}

	private static long number(String batchId, String field, @Nullable String value) {
		try {
			return Long.parseLong(String.valueOf(value));
		}
		catch (NumberFormatException ex) {
			throw new FlowStateException("Batch " + batchId + " has a count '" + field + "' that is not a number: " + value);
		}
	}

	private static @Nullable Instant instant(@Nullable String millis, @Nullable Instant otherwise) {
		try {
			return (millis != null) ? Instant.ofEpochMilli(Long.parseLong(millis)) : otherwise;
		}
		catch (NumberFormatException ex) {
			return otherwise;
		}
	}

}
