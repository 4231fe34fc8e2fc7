package io.gtask.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.gtask.backend.ResultBackend;
import io.gtask.backend.TaskStateChange;
import io.gtask.broker.Delivery;
import io.gtask.broker.Settlement;
import io.gtask.broker.TaskBroker;
import io.gtask.browse.TaskIndex;
import io.gtask.core.RecentTask;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;

/**
 * Writes task outcomes from one thread in batches: state changes first (in the order they
 * happened), then acknowledgements and rescheduled retries.
 * <p>
 * Worker threads never wait for Redis to record what they did; whatever piles up while a batch
 * is being written goes out in the next batch, which keeps round trips per task well below one
 * under load. A batch that fails (Redis away) is kept and written again, so no outcome is
 * dropped while the container runs; deliveries not acknowledged when the process dies are
 * delivered again. A batch refused for what one of its outcomes holds (a value the database
 * cannot store, a Redis key of the wrong type) is written outcome by outcome instead: the
 * refused one ends its task alone, as a {@link RefusedOutcome}, and the others are written.
 */
final class OutcomeWriter implements Runnable {

	private static final LogAccessor logger = new LogAccessor(OutcomeWriter.class);

	private static final int MAX_BATCH = 1000;

	private static final long LINGER_MICROS = 500;

	private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

	private final ResultBackend backend;

	private final TaskBroker broker;

	private volatile boolean running = true;

	private volatile long stopDeadline = Long.MAX_VALUE;

	private final Consumer<Delivery> settled;

	private final Supplier<Instant> clock;

	private final WriteFailureClassifier classifier = new WriteFailureClassifier();

	private final FlowContinuation continuation;

	private volatile @Nullable TaskIndex index;

	private volatile boolean indexArguments = true;

	/**
	 * Create a writer.
	 * @param backend where states are written
	 * @param broker where deliveries are settled
	 * @param settled told of each delivery settled
	 * @param clock the time
	 * @param continuation goes on with the flows and batches of tasks whose final state is
	 * written, before their deliveries are acknowledged
	 */
	OutcomeWriter(ResultBackend backend, TaskBroker broker, Consumer<Delivery> settled, Supplier<Instant> clock,
			FlowContinuation continuation) {
		this.backend = backend;
		this.broker = broker;
		this.settled = settled;
		this.clock = clock;
		this.continuation = continuation;
	}

	/**
	 * Index the tasks that end, for browsing.
	 * @param index the index, or {@code null} for none
	 * @param withArguments whether the index keeps the arguments of tasks
	 */
	void setIndex(@Nullable TaskIndex index, boolean withArguments) {
		this.index = index;
		this.indexArguments = withArguments;
	}

	void add(Outcome outcome) {
		this.outcomes.add(outcome);
	}

	int pending() {
		return this.outcomes.size();
	}

	/**
	 * Make the writer ready to run again after a stop.
	 */
	void reset() {
		this.stopDeadline = Long.MAX_VALUE;
		this.running = true;
	}

	/**
	 * Stop once everything queued so far is written, or the time is up.
	 * @param timeout how long to keep trying to write
	 */
	void stop(Duration timeout) {
		this.stopDeadline = System.nanoTime() + timeout.toNanos();
		this.running = false;
	}

	@Override
	public void run() {
		List<Outcome> batch = new ArrayList<>();
		boolean failing = false;
		while (true) {
			try {
				if (batch.isEmpty()) {
					Outcome first = this.outcomes.poll(100, TimeUnit.MILLISECONDS);
					if (first == null) {
						if (!this.running) {
							return;
						}
						continue;
					}
					batch.add(first);
					this.outcomes.drainTo(batch, MAX_BATCH - 1);
					lingerIfOnlyStarted(batch);
				}
				writeIsolatingRefusals(batch);
				batch.clear();
				if (failing) {
					failing = false;
					logger.info("Writing task outcomes works again");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!failing) {
					failing = true;
					logger.warn(ex, () -> "Could not write " + batch.size() + " task outcome(s): "
							+ WriteFailureClassifier.reason(ex) + "; trying again until the result backend and Redis "
							+ "take them");
				}
				if (!this.running && System.nanoTime() > this.stopDeadline) {
					logger.warn(() -> "Giving up on " + (batch.size() + this.outcomes.size())
							+ " task outcome(s) at shutdown; their deliveries will be delivered again");
					return;
				}
				try {
					Thread.sleep(200);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * Write a batch; if the result backend or Redis refuses it for what one of its outcomes
	 * holds, write its outcomes one by one, so that the refused one is found and ends alone and
	 * every other is written. A failure that passes (Redis or the database away) is thrown, with
	 * the outcomes not yet written left in the batch.
	 */
	private void writeIsolatingRefusals(List<Outcome> batch) {
		try {
			write(batch);
			return;
		}
		catch (RuntimeException ex) {
			if (!this.classifier.isPermanent(ex)) {
				throw ex;
			}
			logger.debug(ex, () -> "A batch of " + batch.size() + " task outcome(s) was refused; writing them one by one");
		}
		Iterator<Outcome> outcomes = batch.iterator();
		while (outcomes.hasNext()) {
			writeAlone(outcomes.next());
			outcomes.remove();
		}
	}

	/**
	 * Write one outcome: its state change, then its settlement. A state the result backend
	 * refuses ends the task as a {@link RefusedOutcome}; a settlement Redis refuses leaves the
	 * delivery to be taken over, its recorded state as it is.
	 */
	private void writeAlone(Outcome outcome) {
		TaskStateChange change = outcome.change();
		if (change != null) {
			try {
				this.backend.update(List.of(change));
			}
			catch (RuntimeException ex) {
				if (!this.classifier.isPermanent(ex)) {
					throw ex;
				}
				writeInstead(
						new RefusedOutcome(outcome, WriteFailureClassifier.reason(ex), WriteFailureClassifier.type(ex)));
				return;
			}
			advance(outcome, change);
			index(List.of(outcome));
		}
		Settlement settlement = outcome.settlement();
		if (settlement == null) {
			return;
		}
		try {
			this.broker.settle(List.of(settlement));
		}
		catch (RuntimeException ex) {
			if (!this.classifier.isPermanent(ex)) {
				throw ex;
			}
			logger.warn(ex, () -> "Could not settle delivery " + settlement.delivery().deliveryId() + " of task "
					+ settlement.taskId() + " in queue '" + settlement.delivery().queue() + "': "
					+ WriteFailureClassifier.reason(ex) + "; it will be taken over after the visibility timeout");
		}
		this.settled.accept(settlement.delivery());
	}

	/**
	 * End a task whose outcome was refused: record it as a FAILURE that names the refusal and
	 * keep its message as a dead letter; if the FAILURE is refused as well, the dead letter alone
	 * tells what happened.
	 */
	private void writeInstead(RefusedOutcome refused) {
		if (refused.isStart()) {
			// the outcome that ends the attempt follows, and is written or ended in its turn
			logger.debug(() -> "Could not record the start of task " + refused.taskId() + ": " + refused.reason());
			return;
		}
		Instant now = this.clock.get();
		TaskStateChange failure = refused.failure(now);
		boolean recorded = false;
		if (failure != null) {
			try {
				this.backend.update(List.of(failure));
				recorded = true;
				advance(refused.refused(), failure);
			}
			catch (RuntimeException ex) {
				if (!this.classifier.isPermanent(ex)) {
					throw ex;
				}
			}
		}
		Settlement settlement = refused.deadLetter(now);
		boolean kept = recorded;
		logger.warn(() -> "Could not record the outcome of task " + refused.taskId() + ": " + refused.reason()
				+ (kept ? "; it ends as FAILURE" : "; its state stays as it was") + ((settlement != null)
						? " and its message is kept as dead letter " + settlement.delivery().deliveryId() : ""));
		if (settlement == null) {
			return;
		}
		try {
			this.broker.settle(List.of(settlement));
		}
		catch (RuntimeException ex) {
			if (!this.classifier.isPermanent(ex)) {
				throw ex;
			}
			logger.warn(ex, () -> "Could not keep the message of task " + refused.taskId() + " as a dead letter either ("
					+ WriteFailureClassifier.reason(ex) + "); it will be delivered again after the visibility timeout");
		}
		this.settled.accept(settlement.delivery());
	}

	/**
	 * A batch of nothing but STARTED changes waits a moment for the outcomes that usually follow
	 * at once, so that a short task is recorded with one write instead of two, one round trip
	 * less before a waiting caller hears of it.
	 */
	private void lingerIfOnlyStarted(List<Outcome> batch) throws InterruptedException {
		for (Outcome outcome : batch) {
			if (outcome.change() == null || outcome.change().status() != TaskStatus.STARTED) {
				return;
			}
		}
		Outcome next = this.outcomes.poll(LINGER_MICROS, TimeUnit.MICROSECONDS);
		if (next != null) {
			batch.add(next);
			this.outcomes.drainTo(batch, MAX_BATCH - batch.size());
		}
	}

	/**
	 * Index the tasks of written outcomes that ended; the index never holds up an outcome.
	 */
	private void index(List<Outcome> outcomes) {
		TaskIndex index = this.index;
		if (index == null) {
			return;
		}
		List<RecentTask> ended = new ArrayList<>();
		for (Outcome outcome : outcomes) {
			TaskStateChange change = outcome.change();
			if (change != null && change.status().isFinished()) {
				Outcome.Note note = outcome.note();
				ended.add(new RecentTask(change.id(), change.name(), change.queue(), change.status(), change.at(),
						change.attempts(), (change.startedAt() != null || note == null) ? change.startedAt() : note.startedAt(),
						change.error(), (note != null) ? note.trace() : null,
						(note != null && this.indexArguments) ? note.argsText() : null));
			}
		}
		index.record(ended);
	}

	private void advance(Outcome outcome, TaskStateChange change) {
		this.continuation.finished(outcome.flowStep(), outcome.batch(), change);
	}

	private void write(List<Outcome> batch) {
		List<@Nullable TaskStateChange> changes = new ArrayList<>(batch.size());
		Map<String, Integer> started = new HashMap<>();
		List<Settlement> settlements = new ArrayList<>(batch.size());
		List<Map.Entry<Outcome, TaskStateChange>> steps = new ArrayList<>();
		for (Outcome outcome : batch) {
			TaskStateChange change = outcome.change();
			if (change != null) {
				// a task that started and finished within one batch is written once
				Integer index = started.remove(change.id());
				if (index != null && change.status() != TaskStatus.STARTED) {
					TaskStateChange start = changes.set(index, null);
					change = change.withStartedAt(start.at());
				}
				if (change.status() == TaskStatus.STARTED) {
					started.put(change.id(), changes.size());
				}
				changes.add(change);
				if (outcome.continues()) {
					steps.add(Map.entry(outcome, change));
				}
			}
			if (outcome.settlement() != null) {
				settlements.add(outcome.settlement());
			}
		}
		changes.removeIf(Objects::isNull);
		this.backend.update(changes);
		for (Map.Entry<Outcome, TaskStateChange> step : steps) {
			advance(step.getKey(), step.getValue());
		}
		index(batch);
		this.broker.settle(settlements);
		for (Settlement settlement : settlements) {
			this.settled.accept(settlement.delivery());
		}
	}

}
