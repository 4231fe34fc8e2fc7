package io.gtask.worker;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.gtask.core.TaskProgress;
import io.gtask.progress.ProgressStore;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the progress handlers report, checked, and at most every {@link #MIN_INTERVAL_MILLIS}
 * per attempt: a report that comes sooner is kept and written at the end of the interval, unless
 * a newer one replaces it. A report that cannot be written is dropped; progress never fails a
 * task.
 */
final class ProgressReporter {

	static final long MIN_INTERVAL_MILLIS = 200;

	private static final LogAccessor logger = new LogAccessor(ProgressReporter.class);

	private final @Nullable ProgressStore store;

	private final JsonMapper mapper;

	private final ScheduledExecutorService timer;

	private final Clock clock;

	ProgressReporter(@Nullable ProgressStore store, JsonMapper mapper, ScheduledExecutorService timer, Clock clock) {
		this.store = store;
		this.mapper = mapper;
		this.timer = timer;
		this.clock = clock;
	}

	Attempt attempt(String taskId, String name) {
		return new Attempt(taskId, name);
	}

	/**
	 * The reports of one attempt.
	 */
	final class Attempt {

		private final String taskId;

		private final String name;

		private long lastWrite = Long.MIN_VALUE;

		private @Nullable TaskProgress pending;

		private boolean flushScheduled;

		/**
		 * Held from taking a report to having written it, so that writes go out in the order of
		 * the reports: a late write of the timer never lands after a newer report.
		 */
		private final ReentrantLock writing = new ReentrantLock();

		Attempt(String taskId, String name) {
			this.taskId = taskId;
			this.name = name;
		}

		void report(double fraction, @Nullable String message, @Nullable Object detail) {
			if (!(fraction >= 0 && fraction <= 1)) {
				throw new IllegalArgumentException("Progress of task '" + this.name + "' (" + this.taskId
						+ ") must be a fraction from 0 to 1, not " + fraction);
			}
			if (message != null && message.length() > TaskProgress.MAX_MESSAGE_LENGTH) {
				throw new IllegalArgumentException("Progress message of task '" + this.name + "' (" + this.taskId
						+ ") has " + message.length() + " characters; at most " + TaskProgress.MAX_MESSAGE_LENGTH
						+ " are kept");
			}
			String json = null;
			if (detail != null) {
				try {
					json = ProgressReporter.this.mapper.writeValueAsString(detail);
				}
				catch (JacksonException ex) {
					throw new IllegalArgumentException("Progress detail of task '" + this.name + "' (" + this.taskId
							+ ") cannot be written as JSON: " + ex.getOriginalMessage(), ex);
				}
				if (json.length() > TaskProgress.MAX_DETAIL_LENGTH) {
					throw new IllegalArgumentException("Progress detail of task '" + this.name + "' (" + this.taskId
							+ ") is " + json.length() + " characters of JSON; at most " + TaskProgress.MAX_DETAIL_LENGTH
							+ " are kept");
				}
			}
			if (ProgressReporter.this.store == null) {
				return;
			}
			TaskProgress progress = new TaskProgress(fraction, message, json, ProgressReporter.this.clock.instant());
			this.writing.lock();
			try {
				reportTaken(progress);
			}
			finally {
				this.writing.unlock();
			}
		}

		private void reportTaken(TaskProgress progress) {
			long now = System.nanoTime();
			long wait;
			synchronized (this) {
				wait = (this.lastWrite == Long.MIN_VALUE) ? 0
						: TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MILLIS) - (now - this.lastWrite);
				if (wait > 0) {
					this.pending = progress;
					if (this.flushScheduled) {
						return;
					}
					this.flushScheduled = true;
				}
				else {
					this.lastWrite = now;
					this.pending = null;
				}
			}
			if (wait > 0) {
				ProgressReporter.this.timer.schedule(this::flush, wait, TimeUnit.NANOSECONDS);
			}
			else {
				write(progress);
			}
		}

		/**
		 * Write at once the report still waiting for its interval, when the handler returned, so
		 * that the task's final state never comes before its last progress.
		 */
		void finish() {
			flush();
		}

		private void flush() {
			this.writing.lock();
			try {
				TaskProgress progress;
				synchronized (this) {
					this.flushScheduled = false;
					progress = this.pending;
					this.pending = null;
					this.lastWrite = System.nanoTime();
				}
				if (progress != null) {
					write(progress);
				}
			}
			finally {
				this.writing.unlock();
			}
		}

		private void write(TaskProgress progress) {
			try {
				ProgressReporter.this.store.write(this.taskId, progress);
			}
			catch (RuntimeException ex) {
				logger.debug(ex, () -> "Could not write the progress of task " + this.taskId + "; dropped");
			}
		}

	}

}
