package io.gtask.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;

/**
 * The dead letters of {@link InProcessTasks}: the tasks that failed for good, each under its
 * task id, with its arguments as payload; sending one again runs it again under its id.
 */
final class InProcessDeadLetters implements DeadLetters {

	private final InProcessTasks tasks;

	InProcessDeadLetters(InProcessTasks tasks) {
		this.tasks = tasks;
	}

	@Override
	public long count(String queue) {
		return this.tasks.dead(queue).size();
	}

	@Override
	public List<DeadLetter> list(String queue, int offset, int limit) {
		List<InProcessTasks.State> dead = this.tasks.dead(queue);
		return dead.subList(Math.min(offset, dead.size()), Math.min(dead.size(), offset + Math.max(0, limit)))
			.stream()
			.map(InProcessDeadLetters::letter)
			.toList();
	}

	@Override
	public Optional<DeadLetter> find(String queue, String id) {
		return state(queue, id).map(InProcessDeadLetters::letter);
	}

	@Override
	public Optional<String> requeue(String queue, String id) {
		Optional<InProcessTasks.State> state = state(queue, id);
		state.ifPresent(this.tasks::requeueDead);
		return state.map((found) -> found.task.id());
	}

	@Override
	public int requeueAll(String queue) {
		List<InProcessTasks.State> dead = this.tasks.dead(queue);
		dead.forEach(this.tasks::requeueDead);
		return dead.size();
	}

	@Override
	public boolean delete(String queue, String id) {
		return state(queue, id).isPresent() && this.tasks.deleteDead(id);
	}

	@Override
	public long deleteAll(String queue) {
		List<InProcessTasks.State> dead = this.tasks.dead(queue);
		dead.forEach((state) -> this.tasks.deleteDead(state.task.id()));
		return dead.size();
	}

	private Optional<InProcessTasks.State> state(String queue, String id) {
		return this.tasks.dead(queue).stream().filter((state) -> state.task.id().equals(id)).findFirst();
	}

	private static DeadLetter letter(InProcessTasks.State state) {
		String reason = (state.error != null) ? state.error.message() : "failed";
		return new DeadLetter(state.task.id(), state.queue, state.task.id(), state.task.name(), reason,
				(state.error != null) ? state.error.type() : null, state.attempts, state.attempts,
				(state.finishedAt != null) ? state.finishedAt : state.task.sentAt(),
				state.args.toString().getBytes(StandardCharsets.UTF_8));
	}

}
