package io.gtask.send;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

import org.springframework.core.Ordered;
import org.springframework.core.log.LogAccessor;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Holds the tasks sent inside a Spring-managed transaction until it commits, then has them
 * written, all at once; drops them if it rolls back. One holder per transaction, bound to it as
 * a resource and suspended with it, so that a transaction started inside another one
 * ({@code REQUIRES_NEW}) queues its own tasks at its own commit.
 * <p>
 * The tasks are written from another thread, which the committing thread waits for: after the
 * commit the transaction's connection is still bound to the committing thread, and a result
 * backend on the same database would otherwise write into a transaction that has ended.
 */
final class AfterCommitSends {

	private static final LogAccessor logger = new LogAccessor(AfterCommitSends.class);

	private final Object key = new Object();

	private final BiConsumer<List<PreparedTask>, Boolean> writer;

	private final Executor executor;

	/**
	 * Create the holder of one sender's tasks.
	 * @param writer writes tasks after the commit: those not yet recorded ({@code false}), or
	 * those recorded in the transaction, which only need queueing ({@code true})
	 * @param executor runs the writes after a commit
	 */
	AfterCommitSends(BiConsumer<List<PreparedTask>, Boolean> writer, Executor executor) {
		this.writer = writer;
		this.executor = executor;
	}

	/**
	 * Whether the calling thread runs in a transaction that tasks can wait for.
	 * @return whether a transaction is active with synchronization
	 */
	static boolean inTransaction() {
		return TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.isActualTransactionActive();
	}

	/**
	 * Hold tasks until the transaction of the calling thread commits.
	 * @param tasks the tasks
	 * @param recorded whether their records were written in the transaction
	 */
	void hold(List<PreparedTask> tasks, boolean recorded) {
		Held held = (Held) TransactionSynchronizationManager.getResource(this.key);
		if (held == null) {
			held = new Held();
			TransactionSynchronizationManager.bindResource(this.key, held);
			TransactionSynchronizationManager.registerSynchronization(new Synchronization(held));
		}
		(recorded ? held.recorded : held.unrecorded).addAll(tasks);
	}

	/**
	 * The tasks of one transaction.
	 */
	private static final class Held {

		final List<PreparedTask> unrecorded = new ArrayList<>();

		final List<PreparedTask> recorded = new ArrayList<>();

	}

	private final class Synchronization implements TransactionSynchronization {

		private final Held held;

		Synchronization(Held held) {
			this.held = held;
		}

		@Override
		public int getOrder() {
			// after the application's own: what they do on commit does not wait for Redis
			return Ordered.LOWEST_PRECEDENCE;
		}

		@Override
		public void suspend() {
			TransactionSynchronizationManager.unbindResource(AfterCommitSends.this.key);
		}

		@Override
		public void resume() {
			TransactionSynchronizationManager.bindResource(AfterCommitSends.this.key, this.held);
		}

		@Override
		public void afterCommit() {
			TransactionSynchronizationManager.unbindResourceIfPossible(AfterCommitSends.this.key);
			List<PreparedTask> unrecorded = List.copyOf(this.held.unrecorded);
			List<PreparedTask> recorded = List.copyOf(this.held.recorded);
			this.held.unrecorded.clear();
			this.held.recorded.clear();
			try {
				CompletableFuture.runAsync(() -> {
					if (!recorded.isEmpty()) {
						AfterCommitSends.this.writer.accept(recorded, true);
					}
					if (!unrecorded.isEmpty()) {
						AfterCommitSends.this.writer.accept(unrecorded, false);
					}
				}, AfterCommitSends.this.executor).join();
			}
			catch (RuntimeException ex) {
				// the writer has told what became of the tasks; the commit stands
				logger.debug(ex, "Tasks held for a commit were not all sent");
			}
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(AfterCommitSends.this.key);
			if (status != STATUS_COMMITTED) {
				List<PreparedTask> dropped = new ArrayList<>(this.held.unrecorded);
				dropped.addAll(this.held.recorded);
				this.held.unrecorded.clear();
				this.held.recorded.clear();
				for (PreparedTask task : dropped) {
					task.observation().stop();
				}
				if (!dropped.isEmpty()) {
					logger.debug(() -> dropped.size() + " task(s) not sent: their transaction "
							+ ((status == STATUS_ROLLED_BACK) ? "rolled back" : "ended in an unknown state"));
				}
			}
		}

	}

}
