package io.gtask.aot;

import java.lang.reflect.Method;

import io.gtask.core.TaskContext;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;
import org.springframework.core.MethodParameter;

/**
 * The {@link org.springframework.aot.hint.annotation.ReflectiveProcessor} of
 * {@link io.gtask.core.TaskHandler} methods: the method may be invoked by reflection, and the
 * types of its parameters and of its result, with the types they hold, may be bound by
 * Jackson, as the worker binds a task's JSON arguments and writes its result.
 * <p>
 * Spring's ahead-of-time processing applies it to every bean with a {@code @TaskHandler}
 * method, as it does for {@code @EventListener} or {@code @MessageMapping} methods; a class
 * that is not a bean can be covered with {@code @RegisterReflection} or
 * {@code @ReflectiveScan}. A {@link TaskContext} parameter is injected, not bound, and gets no
 * hints.
 */
public class TaskHandlerReflectiveProcessor extends SimpleReflectiveProcessor {

	private final BindingReflectionHintsRegistrar bindingRegistrar = new BindingReflectionHintsRegistrar();

	@Override
	protected void registerMethodHint(ReflectionHints hints, Method method) {
		super.registerMethodHint(hints, method);
		for (int i = 0; i < method.getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			if (!TaskContext.class.equals(parameter.getParameterType())) {
				this.bindingRegistrar.registerReflectionHints(hints, parameter.getGenericParameterType());
			}
		}
		if (method.getReturnType() != void.class) {
			this.bindingRegistrar.registerReflectionHints(hints, method.getGenericReturnType());
		}
	}

}
