package io.gtask.aot;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Registers the exception classes named in {@code gtask.task.non-retryable-exceptions} for
 * reflection: the property is bound to classes by name, which a native image can only load when
 * they are registered. The names are those of the environment at build time, when the
 * application is processed ahead of time.
 * <p>
 * Registered in {@code META-INF/spring/aot.factories}. Classes named only at run time need
 * {@code @RegisterReflection}; {@code @TaskHandler(noRetryFor = ...)} needs nothing.
 */
class NonRetryableExceptionsAotProcessor implements BeanFactoryInitializationAotProcessor {

	static final String PROPERTY = "gtask.task.non-retryable-exceptions";

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		if (!beanFactory.containsBean(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME)) {
			return null;
		}
		Environment environment = beanFactory.getBean(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME,
				Environment.class);
		List<String> names = Binder.get(environment)
			.bind(PROPERTY, Bindable.listOf(String.class))
			.orElse(List.of())
			.stream()
			.map(String::trim)
			.filter((name) -> !name.isEmpty())
			.toList();
		if (names.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> {
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			names.forEach((name) -> reflection.registerType(TypeReference.of(name)));
		};
	}

}
