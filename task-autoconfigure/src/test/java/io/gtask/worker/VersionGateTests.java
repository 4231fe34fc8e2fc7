package io.gtask.worker;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.gtask.core.TaskMessage;
import io.gtask.core.TaskUpcaster;
import io.gtask.core.TaskVersion;
import io.gtask.core.TaskVersionException;
import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskRegistry;
import io.gtask.registry.TaskVersions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How a worker fits the version of a message to its handler's, with the times given.
 */
class VersionGateTests {

	private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	private final TaskRegistry registry = new TaskRegistry();

	private final TaskHandlerMethod handler = handler(2);

	private final VersionGate gate = new VersionGate(
			new TaskVersions(this.registry, Map.of(),
					() -> Map.of("from1", TaskUpcaster.of("greet", 1, (args) -> args.add("Lovelace")))),
			Duration.ofMinutes(15), Duration.ofSeconds(5));

	@Test
	void aMessageOfTheHandlersVersionKeepsItsArguments() {
		TaskMessage message = message(Map.of(TaskVersion.HEADER, "2"), 1);
		assertThat(this.gate.isNewer(message, this.handler)).isFalse();
		assertThat(this.gate.args(message, this.handler)).isSameAs(message.args());
	}

	@Test
	void aMessageWithoutAVersionIsUpcastFromTheFirst() {
		TaskMessage message = message(Map.of(), 1);
		assertThat(this.gate.isNewer(message, this.handler)).isFalse();
		assertThat(this.gate.args(message, this.handler).toString()).isEqualTo("[\"Ada\",\"Lovelace\"]");
		assertThat(message.args().toString()).isEqualTo("[\"Ada\"]");
	}

	@Test
	void aMessageOfANewerVersionIsMarkedWhenFirstHandedBackAndFailsOnlyAfterTheWindow() {
		TaskMessage message = message(Map.of(TaskVersion.HEADER, "3"), 1);
		assertThat(this.gate.isNewer(message, this.handler)).isTrue();
		TaskMessage handedBack = this.gate.handBack(message, this.handler, START);
		assertThat(handedBack.headers()).containsEntry(TaskVersion.HANDED_BACK_HEADER, "1:" + START.toEpochMilli())
			.containsEntry(TaskVersion.HEADER, "3");
		assertThat(this.gate.handBackUntil(START)).isEqualTo(START.plusSeconds(5));
		assertThat(this.gate.handBack(handedBack, this.handler, START.plus(Duration.ofMinutes(15))))
			.isSameAs(handedBack);
		assertThatExceptionOfType(TaskVersionException.class)
			.isThrownBy(() -> this.gate.handBack(handedBack, this.handler, START.plus(Duration.ofMinutes(16))))
			.withMessageContaining("is version 3")
			.withMessageContaining("takes version 2")
			.withMessageContaining("gtask.versions.future-hand-back-window");
	}

	@Test
	void aRetryOrAMarkNotWrittenByAWorkerStartsAWindowOfItsOwn() {
		Instant later = START.plus(Duration.ofHours(1));
		for (String mark : List.of("1:" + START.toEpochMilli(), "garbage", "1:x", ":")) {
			TaskMessage retry = message(Map.of(TaskVersion.HEADER, "3", TaskVersion.HANDED_BACK_HEADER, mark), 2);
			assertThat(this.gate.handBack(retry, this.handler, later).headers())
				.containsEntry(TaskVersion.HANDED_BACK_HEADER, "2:" + later.toEpochMilli());
		}
	}

	@Test
	void aVersionWithoutUpcasterFailsNamingTheVersions() {
		TaskHandlerMethod version3 = handler(3);
		assertThatExceptionOfType(TaskVersionException.class)
			.isThrownBy(() -> this.gate.args(message(Map.of(TaskVersion.HEADER, "2"), 1), version3))
			.withMessageContaining("Task 'greet' (task-1)")
			.withMessageContaining("no upcaster turns version 2 into version 3");
	}

	private TaskHandlerMethod handler(int version) {
		try {
			Method method = Greeter.class.getMethod("greet", String.class, String.class);
			TaskHandlerMethod handler = new TaskHandlerMethod("greet", new Greeter(), method, null, null, null, null,
					List.of());
			handler.setVersion(version);
			if (this.registry.find("greet") == null) {
				this.registry.register(handler);
			}
			return handler;
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static TaskMessage message(Map<String, String> headers, int attempt) {
		ArrayNode args = JsonNodeFactory.instance.arrayNode().add("Ada");
		return new TaskMessage("task-1", "greet", "default", args, attempt, null, null, null, START.toEpochMilli(),
				headers);
	}

	/**
	 * A handler of a first and a last name.
	 */
	public static class Greeter {

		public String greet(String first, String last) {
			return first + " " + last;
		}

	}

}
