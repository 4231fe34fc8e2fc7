package io.gtask.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TaskMessageCodecTests {

	private final TaskMessageCodec codec = new TaskMessageCodec(JsonMapper.builder().build());

	@Test
	void messageSurvivesARoundTrip() {
		TaskMessage message = new TaskMessage("id-1", "add", "default", this.codec.toArgs(Arrays.asList(2, "x", null)), 3,
				5, 1500L, 250L, 1_700_000_000_000L, Map.of("trace", "abc"));
		TaskMessage decoded = this.codec.decode(this.codec.encode(message));
		assertThat(decoded).isEqualTo(message);
		assertThat(decoded.nextAttempt().attempt()).isEqualTo(4);
	}

	@Test
	void optionalFieldsMayBeAbsent() {
		TaskMessage decoded = decode("""
				{"v":1,"id":"a","name":"n","queue":"q","args":[],"attempt":1,"createdAt":5}""");
		assertThat(decoded.maxRetries()).isNull();
		assertThat(decoded.timeoutMillis()).isNull();
		assertThat(decoded.headers()).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			not json                                                                          | not valid JSON
			[1,2]                                                                             | not a JSON object
			{"v":1}                                                                           | no 'id' string
			{"id":"a","name":"n","queue":"q","args":[],"attempt":1,"createdAt":5}             | a has no integer version 'v'
			{"v":9,"id":"a","name":"n","queue":"q","args":[],"attempt":1,"createdAt":5}       | a has unsupported version 9
			{"v":1,"id":"a","queue":"q","args":[],"attempt":1,"createdAt":5}                  | a has no 'name' string
			{"v":1,"id":"a","name":"n","queue":"q","args":{},"attempt":1,"createdAt":5}       | a has no 'args' array
			{"v":1,"id":"a","name":"n","queue":"q","args":[],"attempt":0,"createdAt":5}       | a has 'attempt' out of range: 0
			{"v":1,"id":"a","name":"n","queue":"q","args":[],"attempt":"1","createdAt":5}     | a has no integer 'attempt'
			{"v":1,"id":"a","name":"n","queue":"q","args":[],"attempt":1}                     | a has no integer 'createdAt'
			{"v":1,"id":"a","name":"n","queue":"q","args":[],"attempt":1,"createdAt":5,"headers":{"k":1}} | a has header 'k' that is not a string
			{"v":1,"id":"a","name":"n","queue":"q","args":[],"attempt":1,"createdAt":5,"maxRetries":-1} | a has 'maxRetries' out of range: -1
			""")
	void malformedMessagesAreRefusedWithTheReason(String json, String reason) {
		assertThatExceptionOfType(MalformedTaskMessageException.class).isThrownBy(() -> decode(json))
			.withMessageContaining(reason);
	}

	@Test
	void malformedMessageTellsItsIdWhenItCan() {
		assertThatExceptionOfType(MalformedTaskMessageException.class)
			.isThrownBy(() -> decode("{\"v\":2,\"id\":\"task-7\"}"))
			.satisfies((ex) -> assertThat(ex.getTaskId()).isEqualTo("task-7"));
	}

	@Test
	void typeHintsInArgumentsStayData() {
		TaskMessage decoded = decode("""
				{"v":1,"id":"a","name":"n","queue":"q","attempt":1,"createdAt":5,
				 "args":[["java.lang.ProcessBuilder",{"command":["sh"]}],{"@class":"java.io.File"}]}""");
		assertThat(decoded.args().get(0).isArray()).isTrue();
		assertThat(decoded.args().get(1).get("@class").stringValue()).isEqualTo("java.io.File");
	}

	@Test
	void argsOfAnyShapeAreWritten() {
		assertThat(this.codec.toArgs(List.of(List.of(1, 2), Map.of("a", "b"))).toString()).isEqualTo("[[1,2],{\"a\":\"b\"}]");
	}

	private TaskMessage decode(String json) {
		return this.codec.decode(json.getBytes(StandardCharsets.UTF_8));
	}

}
