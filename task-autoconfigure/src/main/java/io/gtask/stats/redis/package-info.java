/**
 * Task counts over time kept in Redis.
 */
@NullMarked
package io.gtask.stats.redis;

import org.jspecify.annotations.NullMarked;
