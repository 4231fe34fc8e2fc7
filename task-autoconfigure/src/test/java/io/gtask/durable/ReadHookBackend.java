package io.gtask.durable;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.NewTask;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.TaskInfo;
import org.jspecify.annotations.Nullable;

/**
 * A real durable backend that runs a hook each time the reaper has read a page of stale tasks,
 * so that a test makes an interleaving deterministic: a worker that records an outcome, or
 * another instance that takes the lock, between the reaper's read and its writes.
 */
class ReadHookBackend implements DurableResultBackend {

	private final DurableResultBackend backend;

	private final Consumer<List<StoredTask>> afterRead;

	ReadHookBackend(DurableResultBackend backend, Consumer<List<StoredTask>> afterRead) {
		this.backend = backend;
		this.afterRead = afterRead;
	}

	@Override
	public List<StoredTask> findStale(Instant olderThan, @Nullable StoredTask after, int limit) {
		List<StoredTask> stale = this.backend.findStale(olderThan, after, limit);
		this.afterRead.accept(stale);
		return stale;
	}

	@Override
	public Optional<StoredTask> findStored(String id) {
		return this.backend.findStored(id);
	}

	@Override
	public boolean updateIfUnchanged(StoredTask read, TaskStateChange change) {
		return this.backend.updateIfUnchanged(read, change);
	}

	@Override
	public CompletableFuture<List<String>> create(List<NewTask> tasks) {
		return this.backend.create(tasks);
	}

	@Override
	public void update(List<TaskStateChange> changes) {
		this.backend.update(changes);
	}

	@Override
	public Optional<TaskInfo> find(String id) {
		return this.backend.find(id);
	}

	@Override
	public void delete(String id) {
		this.backend.delete(id);
	}

	@Override
	public CompletableFuture<TaskInfo> whenFinished(String id) {
		return this.backend.whenFinished(id);
	}

	@Override
	public boolean revoke(String id, Instant at) {
		return this.backend.revoke(id, at);
	}

}
