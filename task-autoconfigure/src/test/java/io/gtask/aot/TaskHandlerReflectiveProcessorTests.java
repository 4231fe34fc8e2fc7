package io.gtask.aot;

import java.util.List;
import java.util.Map;

import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TaskHandler} methods are invocable by reflection, and the types of their parameters
 * and results can be bound by Jackson, in an AOT-processed application.
 */
class TaskHandlerReflectiveProcessorTests {

	@Test
	void handlerMethodIsInvocableAndItsArgumentAndResultTypesAreBound() throws NoSuchMethodException {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, InvoiceHandlers.class);
		assertInvoiceHandlerHints(hints);
	}

	@Test
	void taskContextParameterIsNotBound() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, InvoiceHandlers.class);
		assertThat(RuntimeHintsPredicates.reflection().onType(TaskContext.class)).rejects(hints);
	}

	@Test
	void methodWithoutTaskHandlerIsLeftAlone() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, InvoiceHandlers.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(InvoiceHandlers.class, "describe"))
			.rejects(hints);
	}

	@Test
	void aheadOfTimeProcessingOfAContextRegistersHandlersAndScripts() throws NoSuchMethodException {
		GenericApplicationContext context = new GenericApplicationContext();
		context.registerBean(InvoiceHandlers.class);
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(TaskHandlerReflectiveProcessorTests.class.getPackageName(),
						"TestContext")),
				new InMemoryGeneratedFiles());
		new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
		RuntimeHints hints = generation.getRuntimeHints();
		assertInvoiceHandlerHints(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("io/gtask/broker/redis/fetch.lua")).accepts(hints);
	}

	private static void assertInvoiceHandlerHints(RuntimeHints hints) throws NoSuchMethodException {
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(InvoiceHandlers.class.getMethod("invoice", Invoice.class, TaskContext.class)))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(InvoiceHandlers.class, "lines"))
			.accepts(hints);
		// the parameter, the types it holds, and the result can be bound by Jackson
		assertThat(RuntimeHintsPredicates.reflection().onType(Invoice.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Invoice.class.getMethod("lines")))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Line.class.getMethod("amount")))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Total.class.getMethod("amount")))
			.accepts(hints);
		// a generic parameter and result: List<Line> and Map<String, Total>
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Summary.class.getMethod("count")))
			.accepts(hints);
	}

	public static class InvoiceHandlers {

		@TaskHandler("invoice")
		public Total invoice(Invoice invoice, TaskContext context) {
			return new Total(invoice.lines().stream().mapToLong(Line::amount).sum());
		}

		@TaskHandler("lines")
		public Map<String, Summary> lines(List<Line> lines) {
			return Map.of("all", new Summary(lines.size()));
		}

		public String describe() {
			return "not a task";
		}

	}

	public record Invoice(String customer, List<Line> lines) {
	}

	public record Line(String item, long amount) {
	}

	public record Total(long amount) {
	}

	public record Summary(int count) {
	}

}
