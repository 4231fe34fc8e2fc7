package io.gtask.worker;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

import io.gtask.core.TaskContext;
import io.gtask.core.TaskInterceptor;
import io.gtask.core.TaskInvocation;
import io.gtask.registry.TaskHandlerMethod;
import org.jspecify.annotations.Nullable;

/**
 * One attempt passed through the interceptors, in order, to its handler.
 */
final class InterceptorChain implements TaskInvocation {

	private final List<TaskInterceptor> interceptors;

	private final TaskHandlerMethod handler;

	private final TaskContext context;

	private final @Nullable Object[] arguments;

	private final Map<String, String> headers;

	private int next;

	InterceptorChain(List<TaskInterceptor> interceptors, TaskHandlerMethod handler, TaskContext context,
			@Nullable Object[] arguments, Map<String, String> headers) {
		this.interceptors = interceptors;
		this.handler = handler;
		this.context = context;
		this.arguments = arguments;
		this.headers = headers;
	}

	@Override
	public TaskContext context() {
		return this.context;
	}

	@Override
	public Method method() {
		return this.handler.getMethod();
	}

	@Override
	public @Nullable Object[] arguments() {
		return this.arguments;
	}

	@Override
	public Map<String, String> headers() {
		return this.headers;
	}

	@Override
	public @Nullable Object proceed() throws Throwable {
		if (this.next < this.interceptors.size()) {
			return this.interceptors.get(this.next++).intercept(this);
		}
		return this.handler.invoke(this.arguments);
	}

}
