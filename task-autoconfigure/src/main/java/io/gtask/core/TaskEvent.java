package io.gtask.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A state a task went through, as kept in its history ({@link TaskInfo#history()}).
 *
 * @param status the state the task entered
 * @param at when it entered it
 * @param attempt the number of attempts started by then ({@code 0} while pending)
 * @param error the error, for {@link TaskStatus#RETRY}, {@link TaskStatus#FAILURE},
 * {@link TaskStatus#REVOKED} and {@link TaskStatus#EXPIRED}
 */
public record TaskEvent(TaskStatus status, Instant at, int attempt, @Nullable TaskError error) {
}
