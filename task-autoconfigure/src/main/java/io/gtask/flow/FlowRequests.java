package io.gtask.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.gtask.core.TaskRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a step of a flow into the request that sends its task: the flow's id for it, its own
 * options, and the result of the node before it as its first argument unless it is immutable.
 */
final class FlowRequests {

	private FlowRequests() {
	}

	static TaskRequest request(FlowStep step, @Nullable String input, JsonMapper mapper) {
		List<@Nullable Object> args = new ArrayList<>(step.args().size() + 1);
		if (input != null && !step.immutable()) {
			try {
				args.add(mapper.readTree(input));
			}
			catch (JacksonException ex) {
				throw new FlowStateException("The result passed to task '" + step.name() + "' (" + step.taskId()
						+ ") is not valid JSON: " + ex.getOriginalMessage(), ex);
			}
		}
		for (JsonNode arg : step.args()) {
			args.add(arg);
		}
		TaskRequest.Builder builder = TaskRequest.of(step.name()).id(step.taskId()).args(args);
		if (step.queue() != null) {
			builder.queue(step.queue());
		}
		if (step.timeoutMillis() != null) {
			builder.timeout(Duration.ofMillis(step.timeoutMillis()));
		}
		if (step.maxRetries() != null) {
			builder.maxRetries(step.maxRetries());
		}
		if (step.backoffMillis() != null) {
			builder.backoff(Duration.ofMillis(step.backoffMillis()));
		}
		if (step.etaMillis() != null) {
			builder.eta(Instant.ofEpochMilli(step.etaMillis()));
		}
		if (step.priority() == TaskRequest.FRONT) {
			builder.pushToFront();
		}
		else if (step.priority() > 0) {
			builder.priority(step.priority());
		}
		if (step.expiresAtMillis() != null) {
			builder.expiresAt(Instant.ofEpochMilli(step.expiresAtMillis()));
		}
		try {
			if (step.group() != null) {
				builder.group(step.group());
			}
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw new FlowStateException("Task '" + step.name() + "' (" + step.taskId() + ") of a flow cannot be sent: "
					+ ex.getMessage(), ex);
		}
	}

}
