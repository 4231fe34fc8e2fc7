package io.gtask.browse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.gtask.backend.ResultBackend;
import io.gtask.broker.HeldDelivery;
import io.gtask.broker.QueueAdmin;
import io.gtask.core.RecentTasks;
import io.gtask.core.RunningTask;
import io.gtask.core.ScheduledTask;
import io.gtask.core.TaskBrowser;
import io.gtask.core.TaskFilter;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskQueues;
import org.jspecify.annotations.Nullable;

/**
 * Browses tasks from what the broker and the index hold: running tasks from the queue's held
 * deliveries (their start from their recorded state), retrying ones from its delayed tasks that
 * are past their first attempt, recent ones from the {@link TaskIndex}.
 */
public class DefaultTaskBrowser implements TaskBrowser {

	/**
	 * The most tasks one read returns.
	 */
	public static final int MAX_LIMIT = 1000;

	/**
	 * The most delayed tasks read to find the retrying ones.
	 */
	static final int MAX_DELAYED_READ = 5000;

	private final QueueAdmin admin;

	private final TaskQueues queues;

	private final TaskIndex index;

	private final ResultBackend backend;

	private final TaskMessageCodec codec;

	/**
	 * Create a browser.
	 * @param admin reads what workers hold
	 * @param queues reads the delayed tasks
	 * @param index the index of recently ended tasks
	 * @param backend reads when running tasks started
	 * @param codec reads messages
	 */
	public DefaultTaskBrowser(QueueAdmin admin, TaskQueues queues, TaskIndex index, ResultBackend backend,
			TaskMessageCodec codec) {
		this.admin = admin;
		this.queues = queues;
		this.index = index;
		this.backend = backend;
		this.codec = codec;
	}

	@Override
	public List<RunningTask> running(String queue, TaskFilter filter, int limit) {
		check(limit);
		List<HeldDelivery> held = new ArrayList<>(this.admin.held(queue, MAX_LIMIT));
		held.sort(Comparator.comparingLong(HeldDelivery::idleMillis).reversed());
		List<RunningTask> running = new ArrayList<>();
		for (HeldDelivery delivery : held) {
			TaskMessage message = decode(delivery.message());
			String id = (message != null) ? message.id() : null;
			String name = (message != null) ? message.name() : null;
			if (!filter.accepts(id, name, queue, (message != null) ? message.args().toString() : null)) {
				continue;
			}
			TaskInfo info = (id != null) ? this.backend.find(id).orElse(null) : null;
			running.add(new RunningTask(id, name, queue, (message != null) ? message.attempt() : 0,
					delivery.consumer(), delivery.deliveries(), (info != null) ? info.startedAt() : null));
			if (running.size() == limit) {
				break;
			}
		}
		return running;
	}

	@Override
	public List<ScheduledTask> retrying(String queue, TaskFilter filter, int limit) {
		check(limit);
		List<ScheduledTask> retrying = new ArrayList<>();
		for (ScheduledTask task : this.queues.scheduled(queue, 0, MAX_DELAYED_READ)) {
			if (task.attempt() > 1 && filter.accepts(task.id(), task.name(), queue, task.args())) {
				retrying.add(task);
				if (retrying.size() == limit) {
					break;
				}
			}
		}
		return retrying;
	}

	@Override
	public RecentTasks recent(boolean succeeded, TaskFilter filter, @Nullable String cursor, int limit) {
		check(limit);
		return this.index.recent(succeeded, filter, cursor, limit);
	}

	private @Nullable TaskMessage decode(byte[] message) {
		if (message.length == 0) {
			return null;
		}
		try {
			return this.codec.decode(message);
		}
		catch (RuntimeException ex) {
			// a message that cannot be read is still listed as held, without id or name
			return null;
		}
	}

	private static void check(int limit) {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("The most tasks read at once must be 1 to " + MAX_LIMIT + ", not " + limit);
		}
	}

}
