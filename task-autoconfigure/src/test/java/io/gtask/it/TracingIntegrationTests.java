package io.gtask.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.gtask.core.TaskClient;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskStatus;
import io.gtask.observation.TaskObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces that continue from the sender to the worker across Redis, recorded by a real tracer
 * (Micrometer Tracing's OpenTelemetry bridge with W3C propagation) through the standard
 * propagating tracing handlers, as Spring Boot's tracing auto-configuration registers them.
 */
class TracingIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final AttributeKey<String> TASK_ID = AttributeKey.stringKey(TaskObservations.TASK_ID);

	private final ApplicationContextRunner runner = GTaskTestSupport.runner()
		.withUserConfiguration(TracingConfiguration.class)
		.withPropertyValues("gtask.observation.enabled=true");

	@Test
	void executionContinuesTheTraceOfTheSendAsItsChild() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			Observation request = Observation.start("request", registry);
			String id;
			try (Observation.Scope scope = request.openScope()) {
				id = client.send("traced");
			}
			finally {
				request.stop();
			}
			assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			SpanData requestSpan = span(context, "request");
			SpanData send = span(context, "default send");
			SpanData execution = span(context, "default process");
			assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
			assertThat(send.getTraceId()).isEqualTo(requestSpan.getTraceId());
			assertThat(send.getParentSpanId()).isEqualTo(requestSpan.getSpanId());
			assertThat(execution.getKind()).isEqualTo(SpanKind.CONSUMER);
			assertThat(execution.getTraceId()).isEqualTo(requestSpan.getTraceId());
			assertThat(execution.getParentSpanId()).isEqualTo(send.getSpanId());
			assertThat(execution.getParentSpanContext().isRemote()).isTrue();
			assertThat(execution.getAttributes().get(TASK_ID)).isEqualTo(id);
			assertThat(send.getAttributes().get(TASK_ID)).isEqualTo(id);
		});
	}

	@Test
	void spanOpenedInTheHandlerContinuesTheTrace() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TracedHandlers handlers = context.getBean(TracedHandlers.class);
			String id = client.send("traced");
			assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			SpanData send = span(context, "default send");
			SpanData execution = span(context, "default process");
			SpanData inHandler = span(context, "work of " + id);
			assertThat(handlers.currentTraceIds).containsEntry(id, send.getTraceId());
			assertThat(inHandler.getTraceId()).isEqualTo(send.getTraceId());
			assertThat(inHandler.getParentSpanId()).isEqualTo(execution.getSpanId());
		});
	}

	@Test
	void tasksSentInDifferentTracesStayInTheirOwnTrace() {
		this.runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			TracedHandlers handlers = context.getBean(TracedHandlers.class);
			String first = Observation.createNotStarted("first request", registry)
				.observe(() -> client.send("traced"));
			String second = Observation.createNotStarted("second request", registry)
				.observe(() -> client.send("traced"));
			assertThat(client.awaitCompletion(first, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(client.awaitCompletion(second, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			String firstTrace = span(context, "first request").getTraceId();
			String secondTrace = span(context, "second request").getTraceId();
			assertThat(firstTrace).isNotEqualTo(secondTrace);
			assertThat(handlers.currentTraceIds).containsEntry(first, firstTrace).containsEntry(second, secondTrace);
			assertThat(span(context, "work of " + first).getTraceId()).isEqualTo(firstTrace);
			assertThat(span(context, "work of " + second).getTraceId()).isEqualTo(secondTrace);
			List<SpanData> executions = spans(context).stream()
				.filter((span) -> span.getName().equals("default process"))
				.toList();
			assertThat(executions).extracting(SpanData::getTraceId).containsExactlyInAnyOrder(firstTrace, secondTrace);
		});
	}

	@Test
	void workerThreadDoesNotCarryATraceOverToTheNextTask() {
		this.runner.withPropertyValues("gtask.worker.concurrency=1").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			TracedHandlers handlers = context.getBean(TracedHandlers.class);
			String traced = Observation.createNotStarted("request", registry).observe(() -> client.send("traced"));
			assertThat(client.awaitCompletion(traced, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			span(context, "default process");
			String untraced = client.send("untraced");
			assertThat(client.awaitCompletion(untraced, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			// sent outside any trace, the task starts its own, not the one the worker ran before
			assertThat(handlers.currentTraceIds.get(untraced)).isNotNull()
				.isNotEqualTo(span(context, "request").getTraceId())
				.isEqualTo(sendSpanOf(context, untraced).getTraceId());
		});
	}

	private static SpanData sendSpanOf(AssertableApplicationContext context, String id) {
		return await().atMost(WAIT)
			.until(() -> spans(context).stream()
				.filter((span) -> span.getKind() == SpanKind.PRODUCER)
				.filter((span) -> id.equals(span.getAttributes().get(TASK_ID)))
				.findFirst()
				.orElse(null), (span) -> span != null);
	}

	/**
	 * The ended span of the given name, waited for: the execution's span ends just after its
	 * result is written.
	 */
	private static SpanData span(AssertableApplicationContext context, String name) {
		return await().atMost(WAIT)
			.until(() -> spans(context).stream().filter((span) -> span.getName().equals(name)).findFirst().orElse(null),
					(span) -> span != null);
	}

	private static List<SpanData> spans(AssertableApplicationContext context) {
		return List.copyOf(context.getBean(EndedSpans.class).spans);
	}

	@Configuration(proxyBeanMethods = false)
	static class TracingConfiguration {

		@Bean
		EndedSpans endedSpans() {
			return new EndedSpans();
		}

		@Bean
		SdkTracerProvider tracerProvider(EndedSpans endedSpans) {
			return SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).addSpanProcessor(endedSpans).build();
		}

		@Bean
		OtelTracer tracer(SdkTracerProvider tracerProvider) {
			OtelCurrentTraceContext currentTraceContext = new OtelCurrentTraceContext();
			return new OtelTracer(tracerProvider.get("gtask-test"), currentTraceContext, (event) -> {
			}, new OtelBaggageManager(currentTraceContext, List.of(), List.of()));
		}

		@Bean
		OtelPropagator propagator(SdkTracerProvider tracerProvider) {
			return new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()),
					tracerProvider.get("gtask-test"));
		}

		@Bean
		ObservationRegistry observationRegistry(Tracer tracer, Propagator propagator) {
			ObservationRegistry registry = ObservationRegistry.create();
			// as Spring Boot registers them: the first handler that supports a context handles it
			registry.observationConfig()
				.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
						new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
						new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
						new DefaultTracingObservationHandler(tracer)));
			return registry;
		}

		@Bean
		TracedHandlers tracedHandlers(Tracer tracer) {
			return new TracedHandlers(tracer);
		}

	}

	/**
	 * Keeps every span that ended, in memory.
	 */
	static class EndedSpans implements SpanProcessor {

		final List<SpanData> spans = new CopyOnWriteArrayList<>();

		@Override
		public void onStart(Context parentContext, ReadWriteSpan span) {
		}

		@Override
		public boolean isStartRequired() {
			return false;
		}

		@Override
		public void onEnd(ReadableSpan span) {
			this.spans.add(span.toSpanData());
		}

		@Override
		public boolean isEndRequired() {
			return true;
		}

	}

	static class TracedHandlers {

		final Map<String, String> currentTraceIds = new ConcurrentHashMap<>();

		private final Tracer tracer;

		TracedHandlers(Tracer tracer) {
			this.tracer = tracer;
		}

		@TaskHandler("traced")
		String traced(TaskContext task) {
			record(task);
			Span span = this.tracer.nextSpan().name("work of " + task.id()).start();
			try (Tracer.SpanInScope scope = this.tracer.withSpan(span)) {
				return "traced";
			}
			finally {
				span.end();
			}
		}

		@TaskHandler("untraced")
		String untraced(TaskContext task) {
			record(task);
			return "untraced";
		}

		private void record(TaskContext task) {
			Span current = this.tracer.currentSpan();
			if (current != null) {
				this.currentTraceIds.put(task.id(), current.context().traceId());
			}
		}

	}

}
