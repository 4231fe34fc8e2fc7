/**
 * Micrometer Observation of sending and running tasks, with the trace context carried in the
 * headers of task messages.
 */
@NullMarked
package io.gtask.observation;

import org.jspecify.annotations.NullMarked;
