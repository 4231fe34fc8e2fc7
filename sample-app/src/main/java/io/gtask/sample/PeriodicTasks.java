package io.gtask.sample;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * A periodic task: a heartbeat sent every 30 seconds ({@code sample.heartbeat.cron}). However many
 * instances of the sample run on one Redis, each tick is sent once and runs on one of them.
 * <p>
 * A second periodic task, a schedule of the {@code add} task with arguments, is defined in
 * {@code application.yml} under {@code gtask.periodic.schedules}. {@code GET /periodic} shows
 * both.
 */
@Component
public class PeriodicTasks {

	private final AtomicLong beats = new AtomicLong();

	private volatile @Nullable Heartbeat last;

	/**
	 * Record a heartbeat. A periodic handler is sent without arguments; it may take the
	 * {@link TaskContext}, whose id names the tick: {@code heartbeat@<tick in epoch millis>}.
	 */
	@TaskHandler(value = "heartbeat", cron = "${sample.heartbeat.cron}", zone = "UTC")
	public Heartbeat heartbeat(TaskContext context) {
		Heartbeat beat = new Heartbeat(context.id(), this.beats.incrementAndGet(), Instant.now());
		this.last = beat;
		return beat;
	}

	/**
	 * The number of heartbeats this instance ran.
	 * @return the count
	 */
	public long getBeats() {
		return this.beats.get();
	}

	/**
	 * The last heartbeat this instance ran.
	 * @return the heartbeat, or {@code null} before the first
	 */
	public @Nullable Heartbeat getLast() {
		return this.last;
	}

	/**
	 * Result of the {@code heartbeat} task.
	 *
	 * @param taskId the id of the task, which names its tick
	 * @param count the number of heartbeats this instance ran, this one included
	 * @param ranAt when it ran
	 */
	public record Heartbeat(String taskId, long count, Instant ranAt) {

	}

}
