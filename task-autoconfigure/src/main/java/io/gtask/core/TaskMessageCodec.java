package io.gtask.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes and reads {@link TaskMessage} envelopes as JSON.
 * <p>
 * Everything read is treated as untrusted input: only the envelope's own fields are read, each
 * is checked, and arguments stay a JSON tree until they are bound to declared parameter types.
 * No class named by the data is ever instantiated.
 */
public class TaskMessageCodec {

	private final JsonMapper jsonMapper;

	/**
	 * Create a codec.
	 * @param jsonMapper the application's mapper, from which the mapper for arguments and
	 * results is derived (see {@link ExactNumbersMapper})
	 */
	public TaskMessageCodec(JsonMapper jsonMapper) {
		this.jsonMapper = ExactNumbersMapper.derive(jsonMapper);
	}

	/**
	 * The mapper this codec uses for arguments and results: the application's, changed only so
	 * that numbers stay exact and no argument binds by losing part of its value.
	 * @return the mapper
	 */
	public JsonMapper getJsonMapper() {
		return this.jsonMapper;
	}

	/**
	 * Turn call arguments into a JSON array.
	 * @param args the arguments
	 * @return the array
	 */
	public ArrayNode toArgs(List<@Nullable Object> args) {
		ArrayNode array = this.jsonMapper.createArrayNode();
		for (Object arg : args) {
			array.add(this.jsonMapper.valueToTree(arg));
		}
		return array;
	}

	/**
	 * Write arguments as the JSON text that a result backend keeps.
	 * @param args the arguments
	 * @return the JSON text of the array
	 */
	public String writeArgs(ArrayNode args) {
		return this.jsonMapper.writeValueAsString(args);
	}

	/**
	 * Write a message.
	 * @param message the message
	 * @return the JSON bytes
	 */
	public byte[] encode(TaskMessage message) {
		ObjectNode node = this.jsonMapper.createObjectNode();
		node.put("v", TaskMessage.VERSION);
		node.put("id", message.id());
		node.put("name", message.name());
		node.put("queue", message.queue());
		node.set("args", message.args());
		node.put("attempt", message.attempt());
		if (message.maxRetries() != null) {
			node.put("maxRetries", message.maxRetries());
		}
		if (message.timeoutMillis() != null) {
			node.put("timeoutMs", message.timeoutMillis());
		}
		if (message.backoffMillis() != null) {
			node.put("backoffMs", message.backoffMillis());
		}
		node.put("createdAt", message.createdAt());
		if (message.priority() != 0) {
			node.put("priority", message.priority());
		}
		if (message.expiresAt() != null) {
			node.put("expiresAt", message.expiresAt());
		}
		if (message.uniqueKey() != null) {
			node.put("unique", message.uniqueKey());
		}
		if (message.group() != null) {
			node.put("group", message.group());
		}
		if (!message.headers().isEmpty()) {
			ObjectNode headers = node.putObject("headers");
			message.headers().forEach(headers::put);
		}
		return this.jsonMapper.writeValueAsBytes(node);
	}

	/**
	 * Read a message.
	 * @param bytes the JSON bytes
	 * @return the message
	 * @throws MalformedTaskMessageException naming what is wrong, if the bytes are not a valid
	 * message
	 */
	public TaskMessage decode(byte[] bytes) {
		JsonNode node;
		try {
			node = this.jsonMapper.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new MalformedTaskMessageException("Task message is not valid JSON: " + ex.getOriginalMessage(),
					null, ex);
		}
		if (node == null || !node.isObject()) {
			throw new MalformedTaskMessageException("Task message is not a JSON object", null, null);
		}
		String id = (node.get("id") != null && node.get("id").isString()) ? node.get("id").stringValue() : null;
		if (id == null || id.isEmpty()) {
			throw new MalformedTaskMessageException("Task message has no 'id' string", null, null);
		}
		JsonNode version = node.get("v");
		if (version == null || !version.isIntegralNumber()) {
			throw malformed(id, "has no integer version 'v'");
		}
		if (version.asInt() != TaskMessage.VERSION) {
			throw malformed(id, "has unsupported version " + version.asString() + " (supported: "
					+ TaskMessage.VERSION + ")");
		}
		String name = requiredText(node, "name", id);
		String queue = requiredText(node, "queue", id);
		JsonNode args = node.get("args");
		if (args == null || !args.isArray()) {
			throw malformed(id, "has no 'args' array");
		}
		int attempt = (int) requiredLong(node, "attempt", id, 1, Integer.MAX_VALUE);
		Integer maxRetries = (node.get("maxRetries") == null || node.get("maxRetries").isNull()) ? null
				: (int) requiredLong(node, "maxRetries", id, 0, Integer.MAX_VALUE);
		Long timeoutMillis = (node.get("timeoutMs") == null || node.get("timeoutMs").isNull()) ? null
				: requiredLong(node, "timeoutMs", id, 1, Long.MAX_VALUE);
		Long backoffMillis = (node.get("backoffMs") == null || node.get("backoffMs").isNull()) ? null
				: requiredLong(node, "backoffMs", id, 0, Long.MAX_VALUE);
		long createdAt = requiredLong(node, "createdAt", id, 0, Long.MAX_VALUE);
		int priority = (node.get("priority") == null) ? 0
				: (int) requiredLong(node, "priority", id, TaskRequest.MIN_PRIORITY, TaskRequest.FRONT);
		Long expiresAt = (node.get("expiresAt") == null || node.get("expiresAt").isNull()) ? null
				: requiredLong(node, "expiresAt", id, 0, Long.MAX_VALUE);
		String uniqueKey = (node.get("unique") == null || node.get("unique").isNull()) ? null
				: requiredText(node, "unique", id);
		String group = (node.get("group") == null || node.get("group").isNull()) ? null
				: requiredText(node, "group", id);
		return new TaskMessage(id, name, queue, (ArrayNode) args, attempt, maxRetries, timeoutMillis, backoffMillis,
				createdAt, headers(node.get("headers"), id), priority, expiresAt, uniqueKey, group);
	}

	private static Map<String, String> headers(@Nullable JsonNode node, String id) {
		if (node == null || node.isNull()) {
			return Collections.emptyMap();
		}
		if (!node.isObject()) {
			throw malformed(id, "has 'headers' that is not an object");
		}
		Map<String, String> headers = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			if (!entry.getValue().isString()) {
				throw malformed(id, "has header '" + entry.getKey() + "' that is not a string");
			}
			headers.put(entry.getKey(), entry.getValue().stringValue());
		}
		return headers;
	}

	private static String requiredText(JsonNode node, String field, String id) {
		JsonNode value = node.get(field);
		if (value == null || !value.isString() || value.stringValue().isEmpty()) {
			throw malformed(id, "has no '" + field + "' string");
		}
		return value.stringValue();
	}

	private static long requiredLong(JsonNode node, String field, String id, long min, long max) {
		JsonNode value = node.get(field);
		if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
			throw malformed(id, "has no integer '" + field + "'");
		}
		long result = value.asLong();
		if (result < min || result > max) {
			throw malformed(id, "has '" + field + "' out of range: " + result);
		}
		return result;
	}

	private static MalformedTaskMessageException malformed(String id, String what) {
		return new MalformedTaskMessageException("Task message " + id + " " + what, id, null);
	}

}
