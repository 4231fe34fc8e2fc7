package io.gtask.core;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.gtask.crypto.PayloadCipher;
import io.gtask.crypto.PayloadDecryptionException;
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
 * <p>
 * With a {@link PayloadCipher}, the codec is the one place where arguments and results are
 * encrypted and decrypted: the arguments of a message are written as one encrypted text in
 * place of the array, and the arguments and results kept by a result backend are encrypted
 * text. Without one, nothing is encrypted and nothing costs more.
 */
public class TaskMessageCodec {

	private final JsonMapper jsonMapper;

	private final @Nullable PayloadCipher cipher;

	/**
	 * Create a codec that encrypts nothing.
	 * @param jsonMapper the application's mapper, from which the mapper for arguments and
	 * results is derived (see {@link ExactNumbersMapper})
	 */
	public TaskMessageCodec(JsonMapper jsonMapper) {
		this(jsonMapper, null);
	}

	/**
	 * Create a codec.
	 * @param jsonMapper the application's mapper, from which the mapper for arguments and
	 * results is derived (see {@link ExactNumbersMapper})
	 * @param cipher the cipher of arguments and results, or {@code null} to keep them plain
	 */
	public TaskMessageCodec(JsonMapper jsonMapper, @Nullable PayloadCipher cipher) {
		this.jsonMapper = ExactNumbersMapper.derive(jsonMapper);
		this.cipher = cipher;
	}

	/**
	 * Whether this codec encrypts arguments and results.
	 * @return whether it has a cipher
	 */
	public boolean isEncrypting() {
		return this.cipher != null;
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
	 * Write arguments as the text that a result backend keeps: JSON, encrypted when this codec
	 * encrypts.
	 * @param taskId the task they belong to
	 * @param args the arguments
	 * @return the JSON text of the array, or its encrypted form
	 */
	public String writeArgs(String taskId, ArrayNode args) {
		String json = this.jsonMapper.writeValueAsString(args);
		return (this.cipher != null) ? this.cipher.encrypt(json, taskId, PayloadCipher.Part.ARGUMENTS) : json;
	}

	/**
	 * Write the result of a task as the text that a result backend keeps: JSON, encrypted when
	 * this codec encrypts.
	 * @param taskId the task
	 * @param result the value its handler returned
	 * @return the JSON text, or its encrypted form
	 * @throws JacksonException if the value cannot be written as JSON
	 */
	public String writeResult(String taskId, @Nullable Object result) {
		return writeResultJson(taskId, this.jsonMapper.writeValueAsString(result));
	}

	/**
	 * Write a result that is JSON text already as the text that a result backend keeps.
	 * @param taskId the task
	 * @param json the JSON text of the result
	 * @return the JSON text, or its encrypted form
	 */
	public String writeResultJson(String taskId, String json) {
		return (this.cipher != null) ? this.cipher.encrypt(json, taskId, PayloadCipher.Part.RESULT) : json;
	}

	/**
	 * Read a result as a result backend keeps it, the inverse of {@link #writeResult}. Text that
	 * is not encrypted (written before encryption was turned on) is returned as it is.
	 * @param taskId the task
	 * @param stored the stored text, or {@code null}
	 * @return the JSON text of the result, or {@code null}
	 * @throws PayloadDecryptionException if the text is encrypted and cannot be decrypted, or
	 * this codec does not encrypt
	 */
	public @Nullable String readResult(String taskId, @Nullable String stored) {
		return decrypt(taskId, stored, PayloadCipher.Part.RESULT);
	}

	/**
	 * Read arguments as {@link #writeArgs} wrote them. Text that is not encrypted is returned
	 * as it is.
	 * @param taskId the task they belong to
	 * @param stored the stored text
	 * @return the JSON text of the array
	 * @throws PayloadDecryptionException if the text is encrypted and cannot be decrypted, or
	 * this codec does not encrypt
	 */
	public String readArgs(String taskId, String stored) {
		String args = decrypt(taskId, stored, PayloadCipher.Part.ARGUMENTS);
		return (args != null) ? args : stored;
	}

	/**
	 * The state of a task with its result and arguments as JSON text, decrypted when they were
	 * encrypted; the same instance when there is nothing to decrypt. Arguments that cannot be
	 * decrypted (their key was removed) read as not kept, so that the state of the task stays
	 * readable; a result that cannot be decrypted is an error.
	 * @param task the task as a result backend read it
	 * @return the task with readable result and arguments
	 * @throws PayloadDecryptionException if an encrypted result cannot be decrypted
	 */
	public TaskInfo readInfo(TaskInfo task) {
		if (!PayloadCipher.isEncrypted(task.result()) && !PayloadCipher.isEncrypted(task.args())) {
			return task;
		}
		String args;
		try {
			args = decrypt(task.id(), task.args(), PayloadCipher.Part.ARGUMENTS);
		}
		catch (PayloadDecryptionException ex) {
			args = null;
		}
		return new TaskInfo(task.id(), task.name(), task.queue(), task.status(),
				decrypt(task.id(), task.result(), PayloadCipher.Part.RESULT), task.error(), task.attempts(),
				task.createdAt(), task.startedAt(), task.finishedAt(), task.nextAttemptAt(), args, task.history(),
				task.progress());
	}

	/**
	 * A message as text for people who may read its arguments, such as the dashboard's users
	 * with the action role: its JSON with the arguments decrypted. A message that is not
	 * encrypted, or cannot be read or decrypted, is shown as it is kept.
	 * @param payload the message bytes, as kept in a queue or a dead letter
	 * @return the text
	 */
	public String toReadableText(byte[] payload) {
		String text = new String(payload, StandardCharsets.UTF_8);
		if (this.cipher == null || !text.contains(PayloadCipher.PREFIX)) {
			return text;
		}
		try {
			JsonNode node = this.jsonMapper.readTree(payload);
			JsonNode id = (node != null) ? node.get("id") : null;
			JsonNode args = (node != null) ? node.get("args") : null;
			if (node instanceof ObjectNode object && id != null && id.isString() && args != null && args.isString()) {
				object.set("args", this.jsonMapper.readTree(
						this.cipher.decrypt(args.stringValue(), id.stringValue(), PayloadCipher.Part.ARGUMENTS)));
				return this.jsonMapper.writeValueAsString(object);
			}
		}
		catch (JacksonException | PayloadDecryptionException ex) {
			// shown as it is kept: the reason it cannot be read is the dead letter's own
		}
		return text;
	}

	private @Nullable String decrypt(String taskId, @Nullable String stored, PayloadCipher.Part part) {
		if (!PayloadCipher.isEncrypted(stored)) {
			return stored;
		}
		if (this.cipher == null) {
			throw new PayloadDecryptionException("Cannot decrypt the " + part.name().toLowerCase(Locale.ROOT)
					+ " of task " + taskId + ": encryption is not enabled (gtask.encryption.enabled)", null, null);
		}
		return this.cipher.decrypt(stored, taskId, part);
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
		if (this.cipher != null) {
			node.put("args", this.cipher.encrypt(this.jsonMapper.writeValueAsString(message.args()), message.id(),
					PayloadCipher.Part.ARGUMENTS));
		}
		else {
			node.set("args", message.args());
		}
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
		if (args != null && args.isString()) {
			args = decryptArgs(id, name, args.stringValue());
		}
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

	private JsonNode decryptArgs(String id, String name, String text) {
		if (this.cipher == null) {
			throw new UndecryptableTaskMessageException("Task message " + id + " has encrypted arguments, but "
					+ "encryption is not enabled (gtask.encryption.enabled)", id, name, null);
		}
		String json;
		try {
			json = this.cipher.decrypt(text, id, PayloadCipher.Part.ARGUMENTS);
		}
		catch (PayloadDecryptionException ex) {
			throw new UndecryptableTaskMessageException(ex.getMessage(), id, name, ex);
		}
		try {
			return this.jsonMapper.readTree(json);
		}
		catch (JacksonException ex) {
			throw malformed(id, "has encrypted arguments that are not valid JSON");
		}
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
