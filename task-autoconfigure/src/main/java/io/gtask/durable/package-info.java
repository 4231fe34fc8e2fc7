/**
 * Durable mode: the result backend as the system of record, and the reaper that sends again the
 * tasks the broker lost or that got stuck.
 */
@NullMarked
package io.gtask.durable;

import org.jspecify.annotations.NullMarked;
