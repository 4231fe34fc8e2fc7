/**
 * How tasks reach their queues: the {@link io.gtask.send.TaskRouter} that decides the queue of a
 * task name, and the {@link io.gtask.send.TaskSender} through which every task is sent, whether
 * by a client, a periodic schedule, the reaper, a manual-commit handler or from the dead letters.
 */
@NullMarked
package io.gtask.send;

import org.jspecify.annotations.NullMarked;
