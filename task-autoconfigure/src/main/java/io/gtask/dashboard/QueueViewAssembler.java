package io.gtask.dashboard;

import java.util.List;

import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetterView;
import io.gtask.core.DeadLetters;
import io.gtask.core.QueueInfo;
import io.gtask.core.QueuedTask;
import io.gtask.core.ScheduledTask;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskQueues;
import io.gtask.dashboard.DashboardApiController.Page;
import io.gtask.dashboard.DashboardApiController.QueueDetail;
import org.jspecify.annotations.Nullable;

/**
 * Assembles what the dashboard shows of one queue: its counts with the next and last task, and
 * pages of its delayed tasks and dead letters, with their payloads redacted when asked.
 */
final class QueueViewAssembler {

	private static final int MAX_LIMIT = 500;

	private final TaskQueues queues;

	private final DeadLetters deadLetters;

	private @Nullable TaskMessageCodec codec;

	/**
	 * Create the assembler.
	 * @param queues the queues
	 * @param deadLetters the dead letters
	 */
	QueueViewAssembler(TaskQueues queues, DeadLetters deadLetters) {
		this.queues = queues;
		this.deadLetters = deadLetters;
	}

	/**
	 * Show the messages of dead letters as this codec reads them, with encrypted arguments
	 * decrypted, to those who may read them.
	 * @param codec the codec
	 */
	void setCodec(TaskMessageCodec codec) {
		this.codec = codec;
	}

	/**
	 * A queue with the next and last task it holds.
	 * @throws IllegalArgumentException if the queue name is not valid
	 */
	QueueDetail detail(String queue, boolean redact) {
		QueueInfo info = this.queues.info(valid(queue));
		QueuedTask next = this.queues.peekNext(queue).orElse(null);
		QueuedTask last = this.queues.peekLast(queue).orElse(null);
		if (redact) {
			return new QueueDetail(info, PayloadRedaction.redact(next), PayloadRedaction.redact(last));
		}
		return new QueueDetail(info, next, last);
	}

	/**
	 * Tasks of a queue waiting for their due time, soonest first.
	 * @throws IllegalArgumentException if the queue name is not valid
	 */
	Page<ScheduledTask> scheduled(String queue, int offset, int limit, boolean redact) {
		long total = this.queues.info(valid(queue)).delayed();
		int from = Math.max(0, offset);
		int size = limit(limit);
		List<ScheduledTask> tasks = this.queues.scheduled(queue, from, size);
		if (redact) {
			tasks = tasks.stream().map(PayloadRedaction::redact).toList();
		}
		return new Page<>(queue, total, from, size, tasks);
	}

	/**
	 * Dead letters of a queue, newest first.
	 * @throws IllegalArgumentException if the queue name is not valid
	 */
	Page<DeadLetterView> deadLetters(String queue, int offset, int limit, boolean redact) {
		int from = Math.max(0, offset);
		int size = limit(limit);
		List<DeadLetterView> letters = this.deadLetters.list(valid(queue), from, size)
			.stream()
			.map((letter) -> redact ? PayloadRedaction.redact(DeadLetterView.of(letter)) : readable(letter))
			.toList();
		return new Page<>(queue, this.deadLetters.count(queue), from, size, letters);
	}

	private DeadLetterView readable(DeadLetter letter) {
		TaskMessageCodec codec = this.codec;
		if (codec == null || !codec.isEncrypting()) {
			return DeadLetterView.of(letter);
		}
		return new DeadLetterView(letter.id(), letter.queue(), letter.taskId(), letter.name(), letter.reason(),
				letter.errorType(), letter.attempts(), letter.deliveries(), letter.deadAt(),
				codec.toReadableText(letter.payload()));
	}

	private static int limit(int limit) {
		return Math.min(MAX_LIMIT, Math.max(1, limit));
	}

	private static String valid(String queue) {
		return TaskMessageRules.validQueue(queue);
	}

}
