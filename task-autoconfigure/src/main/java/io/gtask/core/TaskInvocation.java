package io.gtask.core;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

/**
 * One attempt of a task as a {@link TaskInterceptor} sees it.
 */
public interface TaskInvocation {

	/**
	 * The context of the attempt: id, name, queue, attempt number, deadline.
	 * @return the context
	 */
	TaskContext context();

	/**
	 * The handler method that runs the task.
	 * @return the method
	 */
	Method method();

	/**
	 * The arguments the handler is invoked with, bound from the task's JSON arguments; an
	 * interceptor may replace elements of the array before it proceeds.
	 * @return the arguments, in the order of the method's parameters
	 */
	@Nullable Object[] arguments();

	/**
	 * The headers of the task message.
	 * @return the headers
	 */
	java.util.Map<String, String> headers();

	/**
	 * Continue with the next interceptor, or the handler after the last one.
	 * @return the result
	 * @throws Throwable what the handler or a later interceptor threw
	 */
	@Nullable Object proceed() throws Throwable;

}
