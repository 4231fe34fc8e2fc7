/**
 * Metrics of task queues and executions, recorded through {@link io.gtask.metrics.TaskMetrics}
 * with Micrometer when it is present.
 */
@NullMarked
package io.gtask.metrics;

import org.jspecify.annotations.NullMarked;
