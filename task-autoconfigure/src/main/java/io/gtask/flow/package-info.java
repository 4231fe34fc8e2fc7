/**
 * How flows run ({@link io.gtask.core.TaskFlow}): laid out in a {@link io.gtask.flow.FlowStore}
 * and advanced by the worker that finishes each step, with no coordinator.
 */
@NullMarked
package io.gtask.flow;

import org.jspecify.annotations.NullMarked;
