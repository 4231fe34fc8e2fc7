package io.gtask.core;

import org.jspecify.annotations.Nullable;

/**
 * Wraps the execution of every task on a worker, as middleware: it sees the task, its context,
 * its arguments, its outcome and its timing, and may alter or veto it.
 * <p>
 * Define interceptors as beans; they run in their {@link org.springframework.core.Ordered order}
 * (lowest first, outermost), around the handler invocation and inside the task's timeout:
 * <pre class="code">
 * &#64;Bean
 * TaskInterceptor auditing(AuditLog audit) {
 *     return (invocation) -&gt; {
 *         long start = System.nanoTime();
 *         try {
 *             return invocation.proceed();
 *         }
 *         finally {
 *             audit.record(invocation.context().name(), System.nanoTime() - start);
 *         }
 *     };
 * }
 * </pre>
 * Not calling {@link TaskInvocation#proceed()} skips the handler: the value returned is the
 * task's result. Throwing fails the attempt like a handler that throws; throw
 * {@link TaskVetoedException} to fail it without retry.
 */
@FunctionalInterface
public interface TaskInterceptor {

	/**
	 * Run around one attempt of a task.
	 * @param invocation the attempt, to be continued with {@link TaskInvocation#proceed()}
	 * @return the result of the task
	 * @throws Throwable to fail the attempt
	 */
	@Nullable Object intercept(TaskInvocation invocation) throws Throwable;

}
