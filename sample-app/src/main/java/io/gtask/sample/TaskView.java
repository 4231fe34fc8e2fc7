package io.gtask.sample;

import io.gtask.core.TaskError;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskProgress;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task as the HTTP API shows it, with its result as JSON rather than as the JSON text the
 * result backend stores.
 *
 * @param id the task id
 * @param name the task name
 * @param status the current state
 * @param result the result, when the task succeeded
 * @param error the type and message of the last error, when an attempt failed
 * @param attempts the number of attempts started so far
 * @param progress the latest progress the task reported
 */
public record TaskView(String id, String name, TaskStatus status, @Nullable JsonNode result,
		@Nullable TaskError error, int attempts, @Nullable TaskProgress progress) {

	static TaskView of(TaskInfo info, JsonMapper jsonMapper) {
		// decimals stay BigDecimal so that an amount such as 12.50 keeps its scale
		JsonNode result = (info.result() != null) ? jsonMapper.readerFor(JsonNode.class)
			.with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.readValue(info.result()) : null;
		return new TaskView(info.id(), info.name(), info.status(), result, info.error(), info.attempts(),
				info.progress());
	}

}
