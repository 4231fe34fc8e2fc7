/**
 * Periodic tasks: schedules on cron expressions, fired once per tick across all running
 * instances, and the store that makes each tick fire exactly once.
 */
@NullMarked
package io.gtask.periodic;

import org.jspecify.annotations.NullMarked;
