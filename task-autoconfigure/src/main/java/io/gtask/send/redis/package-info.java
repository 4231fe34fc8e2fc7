/**
 * Sending on Redis: the record and the message of a new task written in one round trip.
 */
@NullMarked
package io.gtask.send.redis;

import org.jspecify.annotations.NullMarked;
