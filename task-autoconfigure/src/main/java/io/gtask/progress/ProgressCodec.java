package io.gtask.progress;

import java.time.Instant;
import java.util.Optional;

import io.gtask.core.TaskProgress;
import io.gtask.crypto.PayloadCipher;
import io.gtask.crypto.PayloadDecryptionException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a {@link TaskProgress} as JSON and reads it back as the untrusted input it is: what
 * is not a progress gtask writes reads as none.
 */
public final class ProgressCodec {

	private final JsonMapper mapper;

	private final @Nullable PayloadCipher cipher;

	/**
	 * Create a codec that encrypts nothing.
	 * @param mapper reads and writes JSON
	 */
	public ProgressCodec(JsonMapper mapper) {
		this(mapper, null);
	}

	/**
	 * Create a codec.
	 * @param mapper reads and writes JSON
	 * @param cipher encrypts the details of progress, or {@code null} to keep them plain
	 */
	public ProgressCodec(JsonMapper mapper, @Nullable PayloadCipher cipher) {
		this.mapper = mapper;
		this.cipher = cipher;
	}

	/**
	 * Write a progress, its detail encrypted when this codec has a cipher; its fraction and
	 * message stay plain.
	 * @param taskId the task that reported it
	 * @param progress the progress
	 * @return its JSON text
	 */
	public String write(String taskId, TaskProgress progress) {
		ObjectNode json = this.mapper.createObjectNode();
		json.put("fraction", progress.fraction());
		if (progress.message() != null) {
			json.put("message", progress.message());
		}
		if (progress.detail() != null && this.cipher != null) {
			json.put("detail", this.cipher.encrypt(progress.detail(), taskId, PayloadCipher.Part.PROGRESS));
		}
		else if (progress.detail() != null) {
			json.set("detail", this.mapper.readTree(progress.detail()));
		}
		json.put("at", progress.at().toEpochMilli());
		return this.mapper.writeValueAsString(json);
	}

	/**
	 * Read a progress. A detail that cannot be decrypted reads as none.
	 * @param taskId the task that reported it
	 * @param text what was kept
	 * @return the progress, empty if the text is not one this codec writes
	 */
	public Optional<TaskProgress> read(String taskId, @Nullable String text) {
		// an encrypted detail is Base64, a third longer, with its IV, tag and key id
		int maxDetail = (this.cipher != null) ? TaskProgress.MAX_DETAIL_LENGTH * 2 : TaskProgress.MAX_DETAIL_LENGTH;
		if (text == null || text.length() > maxDetail + TaskProgress.MAX_MESSAGE_LENGTH + 200) {
			return Optional.empty();
		}
		try {
			JsonNode json = this.mapper.readTree(text);
			JsonNode fraction = json.get("fraction");
			JsonNode at = json.get("at");
			JsonNode message = json.get("message");
			JsonNode detail = json.get("detail");
			if (fraction == null || !fraction.isNumber() || !(fraction.doubleValue() >= 0 && fraction.doubleValue() <= 1)
					|| at == null || !at.isIntegralNumber() || !at.canConvertToLong()
					|| (message != null && !message.isString())) {
				return Optional.empty();
			}
			return Optional.of(new TaskProgress(fraction.doubleValue(), (message != null) ? message.stringValue() : null,
					detail(taskId, detail), Instant.ofEpochMilli(at.longValue())));
		}
		catch (JacksonException | java.time.DateTimeException ex) {
			return Optional.empty();
		}
	}

	private @Nullable String detail(String taskId, @Nullable JsonNode detail) {
		if (detail == null || detail.isNull()) {
			return null;
		}
		if (detail.isString() && PayloadCipher.isEncrypted(detail.stringValue())) {
			if (this.cipher == null) {
				return null;
			}
			try {
				return this.cipher.decrypt(detail.stringValue(), taskId, PayloadCipher.Part.PROGRESS);
			}
			catch (PayloadDecryptionException ex) {
				return null;
			}
		}
		return this.mapper.writeValueAsString(detail);
	}

}
