package io.gtask.testing;

import java.util.List;
import java.util.Optional;

import io.gtask.core.QueueInfo;
import io.gtask.core.QueuedTask;
import io.gtask.core.ScheduledTask;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskStatus;

/**
 * The queues of {@link InProcessTasks}: what is pending in each, and pause and resume, which
 * {@link InProcessTasks#drain()} obeys. Nothing is delayed in-process, so no task is scheduled.
 */
final class InProcessQueues implements TaskQueues {

	private final InProcessTasks tasks;

	InProcessQueues(InProcessTasks tasks) {
		this.tasks = tasks;
	}

	@Override
	public QueueInfo info(String queue) {
		List<InProcessTasks.State> states = this.tasks.states()
			.stream()
			.filter((state) -> state.queue.equals(queue))
			.toList();
		long pending = states.stream().filter((state) -> state.status == TaskStatus.PENDING).count();
		long running = states.stream()
			.filter((state) -> state.status == TaskStatus.STARTED || state.status == TaskStatus.RETRY)
			.count();
		return new QueueInfo(queue, pending, 0, running, 0, this.tasks.dead(queue).size(), isPaused(queue),
				List.of());
	}

	@Override
	public void pause(String queue) {
		this.tasks.pause(queue, true);
	}

	@Override
	public void resume(String queue) {
		this.tasks.pause(queue, false);
	}

	@Override
	public boolean isPaused(String queue) {
		return this.tasks.isPaused(queue);
	}

	@Override
	public Optional<QueuedTask> peekNext(String queue) {
		return queued(queue).stream().findFirst();
	}

	@Override
	public Optional<QueuedTask> peekLast(String queue) {
		List<QueuedTask> queued = queued(queue);
		return queued.isEmpty() ? Optional.empty() : Optional.of(queued.get(queued.size() - 1));
	}

	@Override
	public List<ScheduledTask> scheduled(String queue, int offset, int limit) {
		return List.of();
	}

	private List<QueuedTask> queued(String queue) {
		return this.tasks.states()
			.stream()
			.filter((state) -> state.queue.equals(queue) && state.status == TaskStatus.PENDING)
			.map((state) -> new QueuedTask(state.task.id(), state.task.name(), queue, state.args.toString(),
					state.attempts + 1, state.task.priority(), state.task.sentAt()))
			.toList();
	}

}
