package io.gtask.client;

import java.time.Instant;
import java.util.List;

import io.gtask.core.GTaskException;
import io.gtask.core.TaskError;
import io.gtask.core.TaskFailedException;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskNotFinishedException;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The one way every client reads a task's result.
 */
class TaskResultsTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void readsTheResultOfATaskThatSucceededAsTheTypeAsked() {
		JavaType type = this.mapper.getTypeFactory().constructCollectionType(List.class, Integer.class);
		List<Integer> result = TaskResults.read(task(TaskStatus.SUCCESS, "[1,2]"), this.mapper, type);
		assertThat(result).containsExactly(1, 2);
		assertThat((Object) TaskResults.read(task(TaskStatus.SUCCESS, null), this.mapper, type)).isNull();
	}

	@Test
	void aTaskThatFailedWasRevokedOrExpiredHasNoResult() {
		for (TaskStatus status : List.of(TaskStatus.FAILURE, TaskStatus.REVOKED, TaskStatus.EXPIRED)) {
			assertThatExceptionOfType(TaskFailedException.class)
				.isThrownBy(() -> TaskResults.read(task(status, null), this.mapper, this.mapper.constructType(String.class)));
		}
	}

	@Test
	void aTaskThatHasNotFinishedSaysWhereItStands() {
		assertThatExceptionOfType(TaskNotFinishedException.class)
			.isThrownBy(() -> TaskResults.read(task(TaskStatus.STARTED, null), this.mapper,
					this.mapper.constructType(String.class)))
			.withMessage("Task 'report' (t-1) has not finished; it is STARTED");
	}

	@Test
	void aResultOfAnotherTypeNamesTheTaskAndTheType() {
		assertThatExceptionOfType(GTaskException.class)
			.isThrownBy(() -> TaskResults.read(task(TaskStatus.SUCCESS, "\"text\""), this.mapper,
					this.mapper.constructType(Integer.class)))
			.withMessageStartingWith("Result of task 'report' (t-1) cannot be read as java.lang.Integer: ");
	}

	private static TaskInfo task(TaskStatus status, String result) {
		TaskError error = (status == TaskStatus.FAILURE) ? new TaskError("java.lang.IllegalStateException", "no") : null;
		return new TaskInfo("t-1", "report", "default", status, result, error, 1, Instant.EPOCH, null, null, null);
	}

}
