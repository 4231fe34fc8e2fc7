package io.gtask.worker;

import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

import io.gtask.core.TaskMessageCodec;
import io.gtask.metrics.TaskMetrics;
import io.gtask.registry.TaskRegistry;
import org.springframework.util.unit.DataSize;

/**
 * What every {@link TaskExecution} of a running container works with, handed to each one
 * instead of the container.
 *
 * @param codec reads task messages and writes results
 * @param maxPayloadSize the largest message run
 * @param registry finds the handler of a task
 * @param versions fits the version of a message to its handler's
 * @param defaults the timeout of tasks that declare none
 * @param retryPolicy decides whether a failed attempt runs again
 * @param invoker invokes handlers through the interceptors
 * @param finisher ends attempts: writes their outcome and gives back their slot
 * @param cancellations cancellations requested before a task was read
 * @param commits writes what manual-commit tasks do after their handler returned
 * @param timer runs timeouts and the checks for handlers that ignore their interrupt
 * @param abandonedThreads counts handlers that ignored their interrupt
 * @param metrics told how attempts end
 * @param progress writes the progress handlers report
 * @param clock the clock
 */
record ExecutionSupport(TaskMessageCodec codec, DataSize maxPayloadSize, TaskRegistry registry, VersionGate versions,
		TaskDefaults defaults,
		TaskRetryPolicy retryPolicy, HandlerInvoker invoker, ExecutionFinisher finisher,
		CancellationRegistry cancellations, ManualCommitWriter commits, ScheduledExecutorService timer,
		AbandonedThreads abandonedThreads, TaskMetrics metrics, ProgressReporter progress, Clock clock) {

}
