package io.gtask.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A task that ended recently, as the {@link TaskBrowser} lists it.
 *
 * @param id the task id
 * @param name the task name
 * @param queue the queue
 * @param status how it ended: {@link TaskStatus#SUCCESS}, {@link TaskStatus#FAILURE},
 * {@link TaskStatus#REVOKED} or {@link TaskStatus#EXPIRED}
 * @param finishedAt when it ended
 * @param attempts the attempts it took
 * @param startedAt when its last attempt started, if known
 * @param error why it did not succeed
 * @param trace the stack trace of the exception that failed it, shortened, if one did
 * @param args its arguments as JSON text, shortened, if known
 */
public record RecentTask(String id, String name, String queue, TaskStatus status, Instant finishedAt, int attempts,
		@Nullable Instant startedAt, @Nullable TaskError error, @Nullable String trace, @Nullable String args) {
}
