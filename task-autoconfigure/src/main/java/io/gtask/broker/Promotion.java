package io.gtask.broker;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What moving due messages into their queue did.
 *
 * @param moved the number of messages moved
 * @param nextDue when the earliest message still waiting is due, or {@code null} if none waits
 */
public record Promotion(int moved, @Nullable Instant nextDue) {
}
