package io.gtask.aot;

import io.gtask.core.TaskHandler;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.javapoet.ClassName;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The exception classes that {@code gtask.task.non-retryable-exceptions} names at build time
 * can be loaded by name in a native image; {@link TaskHandler#noRetryFor()} needs nothing.
 */
class NonRetryableExceptionsAotProcessorTests {

	@Test
	void isRegisteredInAotFactories() {
		assertThat(AotServices.factories().load(BeanFactoryInitializationAotProcessor.class))
			.anyMatch(NonRetryableExceptionsAotProcessor.class::isInstance);
	}

	@Test
	void namedExceptionClassesAreRegistered() {
		BeanFactoryInitializationAotContribution contribution = process(new MockEnvironment()
			.withProperty(NonRetryableExceptionsAotProcessor.PROPERTY,
					"java.lang.IllegalArgumentException, com.example.BadInvoiceException"));
		assertThat(contribution).isNotNull();
		GenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(getClass().getPackageName(), "TestContext")),
				new InMemoryGeneratedFiles());
		contribution.applyTo(generation, mock());
		assertThat(RuntimeHintsPredicates.reflection().onType(IllegalArgumentException.class))
			.accepts(generation.getRuntimeHints());
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of("com.example.BadInvoiceException")))
			.accepts(generation.getRuntimeHints());
	}

	@Test
	void noNamedExceptionClassesContributeNothing() {
		assertThat(process(new MockEnvironment())).isNull();
	}

	private static BeanFactoryInitializationAotContribution process(MockEnvironment environment) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME, environment);
		return new NonRetryableExceptionsAotProcessor().processAheadOfTime(beanFactory);
	}

}
