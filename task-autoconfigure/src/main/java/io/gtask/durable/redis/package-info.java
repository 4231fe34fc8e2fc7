/**
 * The reaper's lock on Redis.
 */
@NullMarked
package io.gtask.durable.redis;

import org.jspecify.annotations.NullMarked;
