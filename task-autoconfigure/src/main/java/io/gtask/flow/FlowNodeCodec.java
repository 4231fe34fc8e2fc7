package io.gtask.flow;

import java.util.ArrayList;
import java.util.List;

import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.crypto.PayloadDecryptionException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes {@link FlowNode}s as the compact JSON kept in a flow's hash, and reads them back as the
 * untrusted input they are: every field is checked, and anything else is a
 * {@link FlowStateException} naming the flow and the node.
 */
final class FlowNodeCodec {

	/** The most nodes a flow may have. */
	static final int MAX_NODES = 1_000_000;

	private final JsonMapper mapper;

	private final @Nullable TaskMessageCodec codec;

	FlowNodeCodec(JsonMapper mapper) {
		this.mapper = mapper;
		this.codec = null;
	}

	/**
	 * Create a codec that keeps the arguments of steps as the message codec writes them:
	 * encrypted, when it encrypts.
	 * @param codec the message codec
	 */
	FlowNodeCodec(TaskMessageCodec codec) {
		this.mapper = codec.getJsonMapper();
		this.codec = codec;
	}

	String write(FlowNode node) {
		ObjectNode json = this.mapper.createObjectNode();
		json.put("k", node.kind().name().substring(0, 1));
		json.put("p", node.parent());
		if (node.parentKind() != null) {
			json.put("pk", node.parentKind().name().substring(0, 1));
		}
		json.put("i", node.position());
		json.put("ps", node.parentSize());
		json.put("nx", node.next());
		if (!node.children().isEmpty()) {
			ArrayNode children = json.putArray("c");
			node.children().forEach(children::add);
		}
		if (node.tolerant()) {
			json.put("tol", true);
		}
		if (node.chord()) {
			json.put("ch", true);
		}
		FlowStep step = node.step();
		if (step != null) {
			ObjectNode s = json.putObject("s");
			s.put("t", step.taskId());
			s.put("n", step.name());
			if (this.codec != null && this.codec.isEncrypting()) {
				s.put("a", this.codec.writeArgs(step.taskId(), step.args()));
			}
			else {
				s.set("a", step.args());
			}
			if (step.immutable()) {
				s.put("im", true);
			}
			if (step.queue() != null) {
				s.put("q", step.queue());
			}
			putIfSet(s, "to", step.timeoutMillis());
			if (step.maxRetries() != null) {
				s.put("r", step.maxRetries());
			}
			putIfSet(s, "b", step.backoffMillis());
			putIfSet(s, "eta", step.etaMillis());
			if (step.priority() != 0) {
				s.put("pr", step.priority());
			}
			putIfSet(s, "exp", step.expiresAtMillis());
			if (step.group() != null) {
				s.put("g", step.group());
			}
		}
		return this.mapper.writeValueAsString(json);
	}

	/**
	 * Read a node.
	 * @param flowId the flow, for messages
	 * @param id the node id it was stored under
	 * @param text what was stored, {@code null} if nothing
	 * @return the node
	 * @throws FlowStateException if it is missing or not a node gtask wrote
	 */
	FlowNode read(String flowId, int id, @Nullable String text) {
		if (text == null) {
			throw new FlowStateException("Flow " + flowId + " has no node " + id);
		}
		try {
			JsonNode json = this.mapper.readTree(text);
			if (!json.isObject()) {
				throw problem(flowId, id, "not a JSON object");
			}
			FlowNode.Kind kind = kind(flowId, id, json.get("k"), false);
			int parent = integer(flowId, id, json, "p", -1, MAX_NODES);
			FlowNode.Kind parentKind = (parent < 0) ? null : kind(flowId, id, json.get("pk"), true);
			int parentSize = integer(flowId, id, json, "ps", 0, MAX_NODES);
			int position = integer(flowId, id, json, "i", 0, Math.max(0, parentSize - 1));
			int next = integer(flowId, id, json, "nx", -1, MAX_NODES);
			List<Integer> children = new ArrayList<>();
			JsonNode c = json.get("c");
			if (c != null) {
				if (!c.isArray()) {
					throw problem(flowId, id, "'c' is not an array");
				}
				for (JsonNode child : c) {
					if (!child.isInt() || child.intValue() <= id || child.intValue() > MAX_NODES) {
						throw problem(flowId, id, "'c' holds " + child + ", not the id of a node after it");
					}
					children.add(child.intValue());
				}
			}
			if (kind != FlowNode.Kind.STEP && children.isEmpty()) {
				throw problem(flowId, id, "a " + kind.name().toLowerCase() + " without children");
			}
			FlowStep step = (kind == FlowNode.Kind.STEP) ? step(flowId, id, json.get("s")) : null;
			return new FlowNode(id, kind, parent, parentKind, position, parentSize, next, children, flag(json, "tol"),
					flag(json, "ch"), step);
		}
		catch (JacksonException ex) {
			throw new FlowStateException("Node " + id + " of flow " + flowId + " is not valid JSON: "
					+ ex.getOriginalMessage(), ex);
		}
	}

	private JsonNode encryptedArgs(String flowId, int id, String taskId, String text) {
		if (this.codec == null) {
			throw problem(flowId, id, "encrypted arguments ('a') where none are expected");
		}
		try {
			return this.mapper.readTree(this.codec.readArgs(taskId, text));
		}
		catch (PayloadDecryptionException ex) {
			throw problem(flowId, id, ex.getMessage());
		}
	}

	private FlowStep step(String flowId, int id, @Nullable JsonNode s) {
		if (s == null || !s.isObject()) {
			throw problem(flowId, id, "a step without its task ('s')");
		}
		String taskId = text(flowId, id, s, "t", true);
		String idProblem = TaskMessageRules.idProblem(taskId);
		String name = text(flowId, id, s, "n", true);
		String nameProblem = TaskMessageRules.nameProblem(name);
		if (idProblem != null || nameProblem != null) {
			throw problem(flowId, id, (idProblem != null) ? idProblem : nameProblem);
		}
		JsonNode args = s.get("a");
		if (args != null && args.isString()) {
			args = encryptedArgs(flowId, id, taskId, args.stringValue());
		}
		if (!(args instanceof ArrayNode array)) {
			throw problem(flowId, id, "the arguments ('a') are not an array");
		}
		String queue = text(flowId, id, s, "q", false);
		String group = text(flowId, id, s, "g", false);
		String groupProblem = (group != null) ? TaskMessageRules.groupProblem(group) : null;
		if (groupProblem != null) {
			throw problem(flowId, id, groupProblem);
		}
		Long timeout = optionalLong(flowId, id, s, "to");
		Long retries = optionalLong(flowId, id, s, "r");
		if (retries != null && (retries < 0 || retries > Integer.MAX_VALUE)) {
			throw problem(flowId, id, "'r' is out of range");
		}
		Long priority = optionalLong(flowId, id, s, "pr");
		if (priority != null && (priority < 0 || priority > 10)) {
			throw problem(flowId, id, "'pr' is out of range");
		}
		return new FlowStep(taskId, name, array, flag(s, "im"), queue, timeout,
				(retries != null) ? retries.intValue() : null, optionalLong(flowId, id, s, "b"),
				optionalLong(flowId, id, s, "eta"), (priority != null) ? priority.intValue() : 0,
				optionalLong(flowId, id, s, "exp"), group);
	}

	private static FlowNode.Kind kind(String flowId, int id, @Nullable JsonNode value, boolean parent) {
		String text = (value != null && value.isString()) ? value.stringValue() : "";
		for (FlowNode.Kind kind : FlowNode.Kind.values()) {
			if (kind.name().substring(0, 1).equals(text) && (!parent || kind != FlowNode.Kind.STEP)) {
				return kind;
			}
		}
		throw problem(flowId, id, "'" + (parent ? "pk" : "k") + "' is " + value + ", not a kind of node");
	}

	private static int integer(String flowId, int id, JsonNode json, String field, int min, int max) {
		JsonNode value = json.get(field);
		if (value == null || !value.isInt() || value.intValue() < min || value.intValue() > max) {
			throw problem(flowId, id, "'" + field + "' is " + value + ", not a number from " + min + " to " + max);
		}
		return value.intValue();
	}

	private static @Nullable Long optionalLong(String flowId, int id, JsonNode json, String field) {
		JsonNode value = json.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToLong()) {
			throw problem(flowId, id, "'" + field + "' is " + value + ", not a whole number");
		}
		return value.longValue();
	}

	private static @Nullable String text(String flowId, int id, JsonNode json, String field, boolean required) {
		JsonNode value = json.get(field);
		if (value == null || value.isNull()) {
			if (required) {
				throw problem(flowId, id, "'" + field + "' is missing");
			}
			return null;
		}
		if (!value.isString()) {
			throw problem(flowId, id, "'" + field + "' is " + value + ", not text");
		}
		return value.stringValue();
	}

	private static boolean flag(JsonNode json, String field) {
		JsonNode value = json.get(field);
		return value != null && value.isBoolean() && value.booleanValue();
	}

	private static void putIfSet(ObjectNode json, String field, @Nullable Long value) {
		if (value != null) {
			json.put(field, value);
		}
	}

	private static FlowStateException problem(String flowId, int id, String what) {
		return new FlowStateException("Node " + id + " of flow " + flowId + " is not valid: " + what);
	}

}
