/**
 * The web dashboard: pages and a JSON API, served by the application itself, to watch and
 * steer queues, tasks, dead letters, schedules and workers.
 */
@NullMarked
package io.gtask.dashboard;

import org.jspecify.annotations.NullMarked;
