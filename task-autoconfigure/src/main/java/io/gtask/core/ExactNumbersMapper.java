package io.gtask.core;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * Derives the mapper for task arguments and results from the application's mapper, so that
 * numbers keep their exact value and scale and no argument binds by losing part of its value.
 * <p>
 * The application's own mapper is left as it is: only the copy is changed. Numbers with a
 * fraction are read as {@link java.math.BigDecimal} (a {@code double} step would round a
 * 38-digit value and drop a trailing zero), written as they are (never as plain text, which
 * would change the scale of {@code 1E+3}), and never bound to an integer type, nor an integer
 * outside the range of its type, nor {@code null} to a primitive.
 */
public final class ExactNumbersMapper {

	private ExactNumbersMapper() {
	}

	/**
	 * Derive the mapper for task arguments and results.
	 * @param applicationMapper the application's mapper, whose modules and settings are kept
	 * @return a copy that keeps numbers exact and refuses lossy coercions
	 */
	public static JsonMapper derive(JsonMapper applicationMapper) {
		SimpleModule bytes = new SimpleModule("gtask-exact-bytes");
		bytes.addDeserializer(Byte.class, new ExactByteDeserializer(false));
		bytes.addDeserializer(byte.class, new ExactByteDeserializer(true));
		return applicationMapper.rebuild()
			.enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
			.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.disable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
			.addModule(bytes)
			.build();
	}

	/**
	 * Reads a byte only from an integer in its signed range: Jackson's own reader also takes
	 * 128 to 255 and turns them negative.
	 */
	private static final class ExactByteDeserializer extends StdScalarDeserializer<Byte> {

		private final boolean primitive;

		ExactByteDeserializer(boolean primitive) {
			super(primitive ? Byte.TYPE : Byte.class);
			this.primitive = primitive;
		}

		@Override
		public @Nullable Byte deserialize(JsonParser parser, DeserializationContext context) {
			// the int reader refuses fractions, text that is no integer and values beyond an int
			Integer value = context.readValue(parser, Integer.class);
			if (value == null) {
				return (Byte) getNullValue(context);
			}
			if (value < Byte.MIN_VALUE || value > Byte.MAX_VALUE) {
				return (Byte) context.handleWeirdNumberValue(handledType(), value,
						"Numeric value out of range of `byte` (-128 - 127)");
			}
			return value.byteValue();
		}

		@Override
		public @Nullable Object getNullValue(DeserializationContext context) {
			if (!this.primitive) {
				return null;
			}
			if (context.isEnabled(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)) {
				return context.reportInputMismatch(this, "Cannot map `null` into type `byte`");
			}
			return (byte) 0;
		}

		@Override
		public LogicalType logicalType() {
			return LogicalType.Integer;
		}

	}

}
