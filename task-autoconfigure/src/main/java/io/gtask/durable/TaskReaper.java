package io.gtask.durable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;

import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskStateChange;
import io.gtask.broker.TaskBroker;
import io.gtask.core.MalformedTaskMessageException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.flow.FlowAdvancer;
import io.gtask.lifecycle.AbstractSmartLifecycle;
import io.gtask.metrics.TaskOrigin;
import io.gtask.send.TaskSender;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

/**
 * Finds tasks that the durable result backend says are not finished, whose state has not
 * changed for longer than a timeout, and that the broker does not hold: tasks lost when Redis
 * lost its data, tasks of manual-commit handlers never committed, and any other stuck task.
 * Each is sent again or marked FAILURE, as the {@link LostTaskPolicy} says.
 * <p>
 * Every instance runs a reaper, but only the holder of the {@link LeaderLock} reaps, so tasks
 * are not sent twice by two instances.
 */
public class TaskReaper extends AbstractSmartLifecycle {

	private static final LogAccessor logger = new LogAccessor(TaskReaper.class);

	private static final int MAX_PAGES = 100;

	private final DurableResultBackend backend;

	private final TaskBroker broker;

	private final TaskSender sender;

	private final TaskMessageCodec codec;

	private final LeaderLock lock;

	private final Settings settings;

	private @Nullable ScheduledFuture<?> reaping;

	private boolean failing;

	/**
	 * Create a reaper.
	 * @param backend the durable backend, the system of record
	 * @param broker the broker that should hold every unfinished task
	 * @param sender the sender of the tasks sent again
	 * @param codec the codec of the recorded messages
	 * @param lock the lock that lets one instance reap at a time
	 * @param settings the settings
	 */
	public TaskReaper(DurableResultBackend backend, TaskBroker broker, TaskSender sender, TaskMessageCodec codec,
			LeaderLock lock, Settings settings) {
		super(SUPPORT_PHASE, "gtask-reaper-");
		this.backend = backend;
		this.broker = broker;
		this.sender = sender;
		this.codec = codec;
		this.lock = lock;
		this.settings = settings;
	}

	@Override
	protected void doStart() {
		this.reaping = scheduleWithFixedDelay(this::reapIfLeader, this.settings.period());
	}

	@Override
	protected void doStop() {
		ScheduledFuture<?> reaping = this.reaping;
		this.reaping = null;
		if (reaping != null) {
			reaping.cancel(true);
		}
		try {
			this.lock.release(this.settings.owner());
		}
		catch (RuntimeException ex) {
			logger.debug(ex, "Could not release the reaper lock; it expires by itself");
		}
	}

	private void reapIfLeader() {
		try {
			reapAsLeader();
			if (this.failing) {
				this.failing = false;
				logger.info("Reaping lost tasks works again");
			}
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				this.failing = true;
				logger.warn(ex, "Could not look for lost tasks; will try again");
			}
		}
	}

	/**
	 * Look for lost tasks once if this instance takes or holds the lock. The lock is held for
	 * three periods and renewed before each page of tasks is dealt with, so a long pass keeps
	 * it; a pass that finds the lock taken by another instance (its renewal came too late)
	 * stops before it writes anything more, and leaves the rest to the holder.
	 * @return what was found and done, or empty if another instance holds the lock
	 */
	public Optional<Result> reapAsLeader() {
		if (!holdLock()) {
			return Optional.empty();
		}
		return Optional.of(reap(this::holdLock));
	}

	private boolean holdLock() {
		return this.lock.tryAcquire(this.settings.owner(), this.settings.period().multipliedBy(3));
	}

	/**
	 * Look for lost tasks once and deal with them, whether or not this instance holds the lock.
	 * @return what was found and done
	 */
	public Result reap() {
		return reap(() -> true);
	}

	private Result reap(BooleanSupplier leader) {
		Instant now = getClock().instant();
		Instant olderThan = now.minus(this.settings.timeout());
		Result result = new Result(0, 0, 0, 0, 0);
		StoredTask after = null;
		for (int page = 0; page < MAX_PAGES; page++) {
			List<StoredTask> stale = this.backend.findStale(olderThan, after, this.settings.batchSize());
			if (stale.isEmpty()) {
				break;
			}
			if (!leader.getAsBoolean()) {
				logger.warn(() -> "The reaper lock was taken by another instance during a pass (a page took longer than "
						+ this.settings.period().multipliedBy(3).toSeconds() + " s); stopping the pass");
				break;
			}
			result = result.plus(handle(stale, now));
			after = stale.get(stale.size() - 1);
			if (stale.size() < this.settings.batchSize()) {
				break;
			}
		}
		Result done = result;
		if (done.requeued() + done.failed() > 0) {
			logger.info(() -> "Reaper found " + done.examined() + " task(s) unchanged for over "
					+ this.settings.timeout().toSeconds() + " s: " + done.held() + " still held by the broker, "
					+ done.requeued() + " sent again, " + done.failed() + " marked FAILURE, " + done.changed()
					+ " changed meanwhile and left alone");
		}
		return done;
	}

	private Result handle(List<StoredTask> stale, Instant now) {
		Map<String, List<StoredTask>> byQueue = new LinkedHashMap<>();
		for (StoredTask task : stale) {
			byQueue.computeIfAbsent(task.queue(), (queue) -> new ArrayList<>()).add(task);
		}
		int held = 0;
		int requeued = 0;
		int failed = 0;
		int changed = 0;
		for (Map.Entry<String, List<StoredTask>> entry : byQueue.entrySet()) {
			Set<String> heldIds = this.broker.findHeld(entry.getKey(),
					entry.getValue().stream().map(StoredTask::id).toList());
			List<TaskSender.Resend> again = new ArrayList<>();
			for (StoredTask task : entry.getValue()) {
				// a flow's own record ends with its last step, which the reaper looks after on its own
				if (heldIds.contains(task.id()) || task.name().startsWith(FlowAdvancer.RECORD_PREFIX)) {
					held++;
					continue;
				}
				TaskMessage message = (this.settings.policy() == LostTaskPolicy.RETRY) ? message(task) : null;
				if (message != null) {
					again.add(new TaskSender.Resend(message.withAttempt(1), task));
				}
				else if (fail(task, now)) {
					failed++;
				}
				else {
					changed++;
				}
			}
			// marked PENDING first, only if unchanged since read: if queueing fails, the next pass finds them again
			while (!again.isEmpty()) {
				try {
					int sent = this.sender.resend(again, TaskOrigin.REAPER).size();
					requeued += sent;
					changed += again.size() - sent;
					break;
				}
				catch (MalformedTaskMessageException ex) {
					// nothing was written: leave out the task whose message cannot be sent, and send the others
					TaskSender.Resend broken = broken(again, ex);
					again.remove(broken);
					if (fail(broken.readAs(), now)) {
						failed++;
					}
					else {
						changed++;
					}
				}
			}
		}
		return new Result(stale.size(), held, requeued, failed, changed);
	}

	private static TaskSender.Resend broken(List<TaskSender.Resend> tasks, MalformedTaskMessageException ex) {
		TaskSender.Resend broken = tasks.stream()
			.filter((task) -> task.message().id().equals(ex.getTaskId()))
			.findFirst()
			.orElseThrow(() -> ex);
		logger.warn(() -> "Message of task " + broken.message().id() + " cannot be sent again (" + ex.getMessage()
				+ "); marking it FAILURE");
		return broken;
	}

	/**
	 * The recorded message of a task, or {@code null} if it cannot be read.
	 */
	private @Nullable TaskMessage message(StoredTask task) {
		try {
			return this.codec.decode(task.payload());
		}
		catch (MalformedTaskMessageException ex) {
			logger.warn(() -> "Recorded message of task " + task.id() + " cannot be read (" + ex.getMessage()
					+ "); marking it FAILURE");
			return null;
		}
	}

	private boolean fail(StoredTask task, Instant now) {
		TaskLostException ex = new TaskLostException("Task '" + task.name() + "' (" + task.id() + ") was " + task.status()
				+ " with no change since " + task.updatedAt() + " and the broker no longer held it (lost, or never "
				+ "committed); the reaper marked it FAILURE");
		return this.backend.updateIfUnchanged(task,
				TaskStateChange.failure(task.id(), task.name(), task.queue(), now, 0, TaskError.of(ex)));
	}

	/**
	 * Settings of a reaper.
	 *
	 * @param period how often to look for lost tasks
	 * @param timeout how long an unfinished task may go without a change before it is examined
	 * @param batchSize the most tasks read at once
	 * @param policy what to do with lost tasks
	 * @param owner the name of this instance, for the lock
	 */
	public record Settings(Duration period, Duration timeout, int batchSize, LostTaskPolicy policy, String owner) {
	}

	/**
	 * What one pass of the reaper found and did.
	 *
	 * @param examined the tasks unchanged for longer than the timeout
	 * @param held those the broker still held, left alone
	 * @param requeued those sent again
	 * @param failed those marked FAILURE
	 * @param changed those that changed after they were read (a worker recorded an outcome),
	 * left alone
	 */
	public record Result(int examined, int held, int requeued, int failed, int changed) {

		Result plus(Result other) {
			return new Result(this.examined + other.examined, this.held + other.held, this.requeued + other.requeued,
					this.failed + other.failed, this.changed + other.changed);
		}

	}

}
