package io.gtask.core;

import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Derives the mapper for task arguments and results from the application's mapper, so that
 * numbers keep their exact value and scale.
 * <p>
 * The application's own mapper is left as it is: only the copy is changed. Numbers with a
 * fraction are read as {@link java.math.BigDecimal} (a {@code double} step would round a
 * 38-digit value and drop a trailing zero) and written as they are (never as plain text, which
 * would change the scale of {@code 1E+3}).
 */
public final class ExactNumbersMapper {

	private ExactNumbersMapper() {
	}

	/**
	 * Derive the mapper for task arguments and results.
	 * @param applicationMapper the application's mapper, whose modules and settings are kept
	 * @return a copy that keeps numbers exact
	 */
	public static JsonMapper derive(JsonMapper applicationMapper) {
		return applicationMapper.rebuild()
			.enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
			.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.disable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
			.build();
	}

}
