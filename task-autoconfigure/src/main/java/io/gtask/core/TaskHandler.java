package io.gtask.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.gtask.aot.TaskHandlerReflectiveProcessor;
import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a method of a Spring bean as the handler of a task.
 * <p>
 * Arguments sent with the task are bound to the method parameters by position through the
 * application's JSON mapper. A parameter of type {@link TaskContext} is injected instead and
 * takes no argument. The return value, written as JSON, is the task result.
 * <p>
 * Attributes left at their defaults take the values of the {@code gtask.task.*} properties.
 * <p>
 * A handler with a {@link #cron()} is also a periodic task: at each tick of the cron
 * expression one task is sent to it, by exactly one of the application's running instances.
 * <p>
 * For ahead-of-time processing and native images, the method and the types of its parameters
 * and result are registered for reflection ({@link TaskHandlerReflectiveProcessor}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(TaskHandlerReflectiveProcessor.class)
public @interface TaskHandler {

	/**
	 * Name of the task. Defaults to the bean name, a dot and the method name.
	 */
	String value() default "";

	/**
	 * Queue the task is sent to when the sender names none. Defaults to
	 * {@code gtask.default-queue}.
	 */
	String queue() default "";

	/**
	 * Time an attempt may run before it fails with a timeout, as a duration string such as
	 * {@code 30s} or {@code 500ms}. Defaults to {@code gtask.task.timeout}.
	 */
	String timeout() default "";

	/**
	 * Number of retries after the first attempt fails; {@code -1} for the default of
	 * {@code gtask.task.max-retries}.
	 */
	int maxRetries() default -1;

	/**
	 * Delay before the first retry, as a duration string; later retries grow by
	 * {@code gtask.task.backoff.multiplier}. Defaults to
	 * {@code gtask.task.backoff.initial-interval}.
	 */
	String backoff() default "";

	/**
	 * Cron expression on which the task is sent periodically, in the six-field format of
	 * Spring's {@link org.springframework.scheduling.support.CronExpression} (seconds first)
	 * or a macro such as {@code @hourly}. Placeholders such as {@code ${app.report.cron}} are
	 * resolved; {@code "-"} turns the schedule off. A handler with a cron takes no arguments
	 * other than an optional {@link TaskContext}. Empty (the default) for no schedule.
	 */
	String cron() default "";

	/**
	 * Time zone in which {@link #cron()} is evaluated, as a zone id such as
	 * {@code Europe/Paris}. Empty (the default) for the system default zone.
	 */
	String zone() default "";

	/**
	 * Exception types that fail the task at once instead of being retried, in addition to
	 * {@code gtask.task.non-retryable-exceptions}.
	 */
	Class<? extends Throwable>[] noRetryFor() default {};

	/**
	 * Most tasks of this name running at once across all instances that share the broker;
	 * 0 for no limit. Tasks over the limit wait in the broker, holding no worker slot. The
	 * permit of a task whose worker dies is released after {@code gtask.worker.visibility-timeout}.
	 */
	int concurrency() default 0;

	/**
	 * Most tasks of this name running at once in one instance; 0 for no limit.
	 */
	int localConcurrency() default 0;

	/**
	 * Most tasks of this name started per period across all instances, as
	 * {@code <count>/<duration>}, such as {@code 100/1m} or {@code 5/1s}; empty for no limit.
	 * Tasks over the limit wait until they are within it; they are not failed.
	 */
	String rateLimit() default "";

	/**
	 * Whether the handler commits the outcome of its task itself, through
	 * {@link TaskContext#commit(Object)}, {@link TaskContext#commitFailure(Throwable)} or
	 * {@link TaskContext#commitRequeue()}, during or after its invocation. A task whose handler
	 * returns without committing stays STARTED until it is committed, or until the reaper of
	 * durable mode finds it; manual commit therefore needs {@code gtask.durable.enabled=true}.
	 */
	boolean manualCommit() default false;

	/**
	 * Version of the handler's arguments, 1 or more; raise it when the parameters change in a
	 * way that messages sent for the previous version no longer bind. Senders write the
	 * version they know of a task name into its message ({@link TaskVersion#HEADER}); a
	 * message of an older version has its arguments turned by the {@link TaskUpcaster} beans
	 * of the task name before they are bound, and a message of a newer version, sent by a newer
	 * deployment of the application, is handed back for a worker of that version. Messages
	 * without a version are of version 1.
	 */
	int version() default 1;

}
