package io.gtask.progress;

import java.time.Instant;
import java.util.Optional;

import io.gtask.core.TaskProgress;
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

	/**
	 * Create a codec.
	 * @param mapper reads and writes JSON
	 */
	public ProgressCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Write a progress.
	 * @param progress the progress
	 * @return its JSON text
	 */
	public String write(TaskProgress progress) {
		ObjectNode json = this.mapper.createObjectNode();
		json.put("fraction", progress.fraction());
		if (progress.message() != null) {
			json.put("message", progress.message());
		}
		if (progress.detail() != null) {
			json.set("detail", this.mapper.readTree(progress.detail()));
		}
		json.put("at", progress.at().toEpochMilli());
		return this.mapper.writeValueAsString(json);
	}

	/**
	 * Read a progress.
	 * @param text what was kept
	 * @return the progress, empty if the text is not one this codec writes
	 */
	public Optional<TaskProgress> read(@Nullable String text) {
		if (text == null || text.length() > TaskProgress.MAX_DETAIL_LENGTH + TaskProgress.MAX_MESSAGE_LENGTH + 200) {
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
					(detail != null && !detail.isNull()) ? this.mapper.writeValueAsString(detail) : null,
					Instant.ofEpochMilli(at.longValue())));
		}
		catch (JacksonException | java.time.DateTimeException ex) {
			return Optional.empty();
		}
	}

}
