package io.gtask.worker;

import java.util.List;

import io.gtask.core.TaskInterceptor;
import io.gtask.core.TaskMessage;
import io.gtask.observation.TaskExecutionContext;
import io.gtask.observation.TaskObservations;
import io.gtask.registry.TaskHandlerMethod;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Invokes a handler through the interceptors, under the observation of the attempt, with the
 * task named in the logging context (MDC) of the worker thread.
 */
final class HandlerInvoker {

	/**
	 * Logging context key of the id of the task a worker thread runs.
	 */
	static final String MDC_TASK_ID = "gtask.taskId";

	static final String MDC_TASK_NAME = "gtask.taskName";

	static final String MDC_QUEUE = "gtask.queue";

	static final String MDC_ATTEMPT = "gtask.attempt";

	private final List<TaskInterceptor> interceptors;

	private final boolean mdc;

	private final ObservationRegistry observationRegistry;

	HandlerInvoker(List<TaskInterceptor> interceptors, boolean mdc, ObservationRegistry observationRegistry) {
		this.interceptors = List.copyOf(interceptors);
		this.mdc = mdc;
		this.observationRegistry = observationRegistry;
	}

	@Nullable Object invoke(TaskHandlerMethod handler, DefaultTaskContext context, @Nullable Object[] values,
			TaskMessage message) throws Throwable {
		if (this.mdc) {
			MDC.put(MDC_TASK_ID, message.id());
			MDC.put(MDC_TASK_NAME, message.name());
			MDC.put(MDC_QUEUE, message.queue());
			MDC.put(MDC_ATTEMPT, Integer.toString(message.attempt()));
		}
		Observation observation = Observation
			.createNotStarted(TaskObservations.EXECUTE, () -> new TaskExecutionContext(message.id(), message.name(),
					message.queue(), message.attempt(), message.headers()), this.observationRegistry)
			.contextualName(message.queue() + " process")
			.lowCardinalityKeyValue(TaskObservations.TASK, message.name())
			.lowCardinalityKeyValue(TaskObservations.QUEUE, message.queue())
			.highCardinalityKeyValue(TaskObservations.TASK_ID, message.id())
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			return this.interceptors.isEmpty() ? handler.invoke(values)
					: new InterceptorChain(this.interceptors, handler, context, values, message.headers()).proceed();
		}
		catch (Throwable ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
			if (this.mdc) {
				MDC.remove(MDC_TASK_ID);
				MDC.remove(MDC_TASK_NAME);
				MDC.remove(MDC_QUEUE);
				MDC.remove(MDC_ATTEMPT);
			}
		}
	}

}
