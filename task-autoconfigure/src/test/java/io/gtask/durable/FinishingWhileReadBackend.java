package io.gtask.durable;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.NewTask;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.TaskInfo;
import org.jspecify.annotations.Nullable;

/**
 * A real durable backend in which a task finishes right after the reaper read it as stale: the
 * interleaving of a worker that records a success while the reaper examines the task, made
 * deterministic.
 */
class FinishingWhileReadBackend implements DurableResultBackend {

	private final DurableResultBackend backend;

	private final TaskStateChange finish;

	FinishingWhileReadBackend(DurableResultBackend backend, TaskStateChange finish) {
		this.backend = backend;
		this.finish = finish;
	}

	@Override
	public List<StoredTask> findStale(Instant olderThan, @Nullable StoredTask after, int limit) {
		List<StoredTask> stale = this.backend.findStale(olderThan, after, limit);
		if (stale.stream().anyMatch((task) -> task.id().equals(this.finish.id()))) {
			this.backend.update(List.of(this.finish));
		}
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
