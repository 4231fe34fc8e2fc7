package io.gtask.core;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ExactNumbersMapperTests {

	private final JsonMapper application = JsonMapper.builder()
		.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
		.build();

	private final JsonMapper mapper = ExactNumbersMapper.derive(this.application);

	@Test
	void applicationMapperIsNotChanged() {
		assertThat(this.mapper).isNotSameAs(this.application);
		assertThat(this.application.isEnabled(DeserializationFeature.ACCEPT_FLOAT_AS_INT)).isTrue();
		assertThat(this.application.isEnabled(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)).isTrue();
		assertThat(this.application.writeValueAsString(new BigDecimal("1E+3"))).isEqualTo("1000");
	}

	@Test
	void decimalsAreReadAndWrittenWithTheirScale() {
		assertThat(this.mapper.writeValueAsString(new BigDecimal("1E+3"))).isEqualTo("1E+3");
		assertThat(this.mapper.readTree("[10.50]").get(0).decimalValue()).isEqualTo(new BigDecimal("10.50"));
		assertThat(this.mapper.readValue("10.50", Object.class)).isEqualTo(new BigDecimal("10.50"));
	}

	@ParameterizedTest
	@ValueSource(ints = { -128, -1, 0, 127 })
	void bytesInTheirRangeBind(int value) {
		assertThat(this.mapper.readValue(Integer.toString(value), byte.class)).isEqualTo((byte) value);
		assertThat(this.mapper.readValue(Integer.toString(value), Byte.class)).isEqualTo((byte) value);
	}

	@ParameterizedTest
	@ValueSource(strings = { "128", "200", "255", "-129", "300", "1099511627776", "1.5", "\"1.5\"" })
	void bytesThatWouldChangeAreRefused(String json) {
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.mapper.readValue(json, byte.class));
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.mapper.readValue(json, Byte.class));
	}

	@Test
	void nullIsAByteObjectButNotAPrimitiveByte() {
		record Holder(Byte boxed) {
		}
		record PrimitiveHolder(byte primitive) {
		}
		assertThat(this.mapper.readValue("{\"boxed\":null}", Holder.class)).isEqualTo(new Holder(null));
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> this.mapper.readValue("{\"primitive\":null}", PrimitiveHolder.class));
	}

}
