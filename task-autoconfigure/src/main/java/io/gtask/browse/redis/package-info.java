/**
 * The index of recently ended tasks in Redis streams.
 */
@NullMarked
package io.gtask.browse.redis;

import org.jspecify.annotations.NullMarked;
