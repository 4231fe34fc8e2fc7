package io.gtask.core;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reading the version of a task message from its headers.
 */
class TaskVersionTests {

	@Test
	void aMessageWithoutAVersionHeaderIsOfTheFirstVersion() {
		assertThat(TaskVersion.of(message(Map.of()))).isEqualTo(TaskVersion.FIRST);
	}

	@Test
	void theVersionHeaderIsReadAsAWholeNumber() {
		assertThat(TaskVersion.of(message(Map.of(TaskVersion.HEADER, "1")))).isEqualTo(1);
		assertThat(TaskVersion.of(message(Map.of(TaskVersion.HEADER, "12")))).isEqualTo(12);
	}

	@Test
	void aHeaderThatIsNotAVersionIsRefusedNamingTheTaskAndTheValue() {
		for (String value : new String[] { "", "two", "0", "-1", "+2", " 2", "2.0", "1e3", "9999999999" }) {
			assertThatExceptionOfType(TaskVersionException.class)
				.isThrownBy(() -> TaskVersion.of(message(Map.of(TaskVersion.HEADER, value))))
				.withMessageContaining("Task 'greet' (task-1)")
				.withMessageContaining("'" + value + "'")
				.withMessageContaining(TaskVersion.HEADER);
		}
	}

	@Test
	void aLongHeaderIsShortenedInTheError() {
		assertThatExceptionOfType(TaskVersionException.class)
			.isThrownBy(() -> TaskVersion.of(message(Map.of(TaskVersion.HEADER, "x".repeat(10_000)))))
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(300));
	}

	@Test
	void onlyVersionsAboveTheFirstNeedAHeader() {
		assertThat(TaskVersion.header(1)).isNull();
		assertThat(TaskVersion.header(3)).isEqualTo("3");
	}

	private static TaskMessage message(Map<String, String> headers) {
		return new TaskMessage("task-1", "greet", "default", JsonNodeFactory.instance.arrayNode(), 1, null, null, null,
				0, headers);
	}

}
