/**
 * The state of flows in Redis: one hash per flow, in a hash slot of its own.
 */
@NullMarked
package io.gtask.flow.redis;

import org.jspecify.annotations.NullMarked;
