package io.gtask.flow;

import io.gtask.core.TaskError;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a node of a flow ended: its result as JSON text, or the error that failed it. Kept in the
 * flow's hash as {@code S} followed by the result, or {@code F} followed by the error as JSON.
 *
 * @param success whether the node succeeded
 * @param result the result as JSON text, when it succeeded
 * @param error the error, when it failed
 */
record FlowOutcome(boolean success, @Nullable String result, @Nullable TaskError error) {

	static FlowOutcome succeeded(@Nullable String result) {
		return new FlowOutcome(true, (result != null) ? result : "null", null);
	}

	static FlowOutcome failed(TaskError error) {
		return new FlowOutcome(false, null, error);
	}

	String write(JsonMapper mapper) {
		if (this.success) {
			return "S" + this.result;
		}
		ObjectNode json = mapper.createObjectNode();
		json.put("type", this.error.type());
		json.put("message", this.error.message());
		return "F" + mapper.writeValueAsString(json);
	}

	/**
	 * Read an outcome kept in a flow's hash.
	 * @throws FlowStateException if it is not one gtask wrote
	 */
	static FlowOutcome read(JsonMapper mapper, String flowId, String text) {
		if (text.startsWith("S") && text.length() > 1) {
			return new FlowOutcome(true, text.substring(1), null);
		}
		if (text.startsWith("F")) {
			try {
				JsonNode json = mapper.readTree(text.substring(1));
				JsonNode type = json.get("type");
				JsonNode message = json.get("message");
				if (type != null && type.isString() && message != null && message.isString()) {
					return failed(new TaskError(type.stringValue(), message.stringValue()));
				}
			}
			catch (JacksonException ex) {
				// reported below
			}
		}
		throw new FlowStateException("Flow " + flowId + " holds an outcome that is not one gtask writes: "
				+ ((text.length() > 80) ? text.substring(0, 80) + "..." : text));
	}

	/**
	 * The element that stands for this outcome in the list a tolerant group passes on: the result,
	 * or an object that describes the failure.
	 */
	String element(JsonMapper mapper, @Nullable String taskId, @Nullable String name) {
		if (this.success) {
			return this.result;
		}
		ObjectNode json = mapper.createObjectNode();
		json.put("failed", true);
		json.put("taskId", taskId);
		json.put("name", name);
		json.put("type", this.error.type());
		json.put("message", this.error.message());
		return mapper.writeValueAsString(json);
	}

}
