/**
 * The progress of tasks in Redis: a value per task and a channel to follow it.
 */
@NullMarked
package io.gtask.progress.redis;

import org.jspecify.annotations.NullMarked;
