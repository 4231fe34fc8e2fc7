package io.gtask.dashboard;

import io.gtask.core.DeadLetterView;
import io.gtask.core.QueuedTask;
import io.gtask.core.RecentTask;
import io.gtask.core.RecentTasks;
import io.gtask.core.ScheduledTask;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskProgress;
import org.jspecify.annotations.Nullable;

/**
 * Copies of what the dashboard shows with the arguments, results and dead-letter messages of
 * tasks replaced by {@value #REDACTED}, for users who may not read them
 * ({@code gtask.dashboard.redact-payloads}). Names, states, times and errors stay.
 */
final class PayloadRedaction {

	/**
	 * What the API answers in place of a redacted text; never valid JSON, so never mistaken for
	 * a value a task held.
	 */
	static final String REDACTED = "(redacted)";

	private PayloadRedaction() {
	}

	static TaskInfo redact(TaskInfo task) {
		return new TaskInfo(task.id(), task.name(), task.queue(), task.status(), redact(task.result()), task.error(),
				task.attempts(), task.createdAt(), task.startedAt(), task.finishedAt(), task.nextAttemptAt(),
				redact(task.args()), task.history(), redact(task.progress()));
	}

	private static @Nullable TaskProgress redact(@Nullable TaskProgress progress) {
		return (progress != null && progress.detail() != null)
				? new TaskProgress(progress.fraction(), progress.message(), "\"" + REDACTED + "\"", progress.at()) : progress;
	}

	static @Nullable QueuedTask redact(@Nullable QueuedTask task) {
		if (task == null) {
			return null;
		}
		return new QueuedTask(task.id(), task.name(), task.queue(), REDACTED, task.attempt(), task.priority(),
				task.createdAt());
	}

	static ScheduledTask redact(ScheduledTask task) {
		return new ScheduledTask(task.id(), task.name(), task.queue(), REDACTED, task.attempt(), task.priority(),
				task.createdAt(), task.dueAt());
	}

	static DeadLetterView redact(DeadLetterView letter) {
		return new DeadLetterView(letter.id(), letter.queue(), letter.taskId(), letter.name(), letter.reason(),
				letter.errorType(), letter.attempts(), letter.deliveries(), letter.deadAt(), REDACTED);
	}

	static RecentTasks redact(RecentTasks page) {
		return new RecentTasks(page.tasks()
			.stream()
			.map((task) -> new RecentTask(task.id(), task.name(), task.queue(), task.status(), task.finishedAt(),
					task.attempts(), task.startedAt(), task.error(), task.trace(), redact(task.args())))
			.toList(), page.cursor());
	}

	private static @Nullable String redact(@Nullable String text) {
		return (text != null) ? REDACTED : null;
	}

}
