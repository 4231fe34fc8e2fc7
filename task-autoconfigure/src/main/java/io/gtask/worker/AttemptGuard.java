package io.gtask.worker;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Decides which of the ways an attempt can end gets to report its outcome, exactly once: its
 * handler's return, its timeout, a cancellation, or shutdown. Whoever stops an attempt from
 * outside cancels its context and interrupts the thread running its handler; the guard knows
 * that thread, and when no thread runs the attempt any more.
 */
final class AttemptGuard {

	/**
	 * For {@link #stop(Consumer)} when nobody watches the interrupted thread.
	 */
	static final Consumer<Thread> NO_WATCH = (thread) -> {
	};

	private final AtomicBoolean finished = new AtomicBoolean();

	private final ReentrantLock interruptLock = new ReentrantLock();

	private volatile @Nullable Thread thread;

	/**
	 * Whether a worker thread took the attempt; guarded by the interrupt lock.
	 */
	private boolean started;

	/**
	 * Open once no thread runs the attempt, nor ever will.
	 */
	private final CountDownLatch exited = new CountDownLatch(1);

	private volatile @Nullable ScheduledFuture<?> timeout;

	private volatile @Nullable DefaultTaskContext context;

	/**
	 * Let the calling worker thread run the attempt, unless it was stopped before it started.
	 * Checked under the lock that {@link #stop(Consumer)} takes, so that an attempt given up at
	 * shutdown either never starts or has its thread interrupted.
	 * @return whether the thread may run it
	 */
	boolean enter() {
		this.interruptLock.lock();
		try {
			if (this.finished.get()) {
				this.exited.countDown();
				return false;
			}
			this.started = true;
			this.thread = Thread.currentThread();
			return true;
		}
		finally {
			this.interruptLock.unlock();
		}
	}

	/**
	 * The worker thread has left the attempt.
	 */
	void leave() {
		this.interruptLock.lock();
		try {
			this.thread = null;
		}
		finally {
			this.interruptLock.unlock();
		}
		// a timeout may have interrupted this thread just as the handler returned
		Thread.interrupted();
		this.exited.countDown();
	}

	/**
	 * Set the context that stopping the attempt cancels.
	 */
	void setContext(DefaultTaskContext context) {
		this.context = context;
	}

	/**
	 * Set the timeout that claiming the outcome cancels.
	 */
	void setTimeout(ScheduledFuture<?> timeout) {
		this.timeout = timeout;
	}

	/**
	 * Take the right to report the outcome when the handler has ended, cancelling the timeout.
	 * @return whether this call took it
	 */
	boolean claim() {
		if (!this.finished.compareAndSet(false, true)) {
			return false;
		}
		cancelTimeout();
		return true;
	}

	/**
	 * Take the right to report the outcome of an attempt that ends before its handler runs.
	 * @return whether this call took it
	 */
	boolean claimBeforeStart() {
		return this.finished.compareAndSet(false, true);
	}

	/**
	 * Take the right to report the outcome from outside the handler: cancel the timeout and the
	 * context, and interrupt the thread that runs the handler.
	 * @param interrupted told of the thread interrupted, if one ran the handler
	 * @return whether this call took it (the attempt had not ended)
	 */
	boolean stop(Consumer<Thread> interrupted) {
		this.interruptLock.lock();
		try {
			if (!this.finished.compareAndSet(false, true)) {
				return false;
			}
			cancelTimeout();
			DefaultTaskContext context = this.context;
			if (context != null) {
				context.cancel();
			}
			Thread running = this.thread;
			if (running != null) {
				running.interrupt();
				interrupted.accept(running);
			}
			if (!this.started) {
				// enter() will see it finished and return at once
				this.exited.countDown();
			}
			return true;
		}
		finally {
			this.interruptLock.unlock();
		}
	}

	private void cancelTimeout() {
		ScheduledFuture<?> timeout = this.timeout;
		if (timeout != null) {
			timeout.cancel(false);
		}
	}

	boolean isFinished() {
		return this.finished.get();
	}

	/**
	 * The thread that runs the handler now, if any.
	 */
	@Nullable Thread thread() {
		return this.thread;
	}

	/**
	 * Wait until no thread runs the attempt any more.
	 * @param deadline the end of the wait, by {@link System#nanoTime()}
	 * @return whether the handler's thread has left it (or never took it)
	 */
	boolean awaitExit(long deadline) {
		try {
			return this.exited.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return this.exited.getCount() == 0;
		}
	}

}
