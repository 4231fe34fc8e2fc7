package io.gtask.core;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.gtask.crypto.InMemoryKeyProvider;
import io.gtask.crypto.PayloadCipher;
import io.gtask.crypto.PayloadDecryptionException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the encryption of arguments and results by {@link TaskMessageCodec}.
 */
class TaskMessageCodecEncryptionTests {

	private static final SecretKey KEY = key();

	private final TaskMessageCodec codec = new TaskMessageCodec(JsonMapper.builder().build(),
			new PayloadCipher(new InMemoryKeyProvider(Map.of("k1", KEY), "k1")));

	private final TaskMessageCodec plain = new TaskMessageCodec(JsonMapper.builder().build());

	@Test
	void encryptedMessageKeepsItsEnvelopeReadableAndItsArgumentsHidden() {
		TaskMessage message = new TaskMessage("id-1", "add", "default",
				this.codec.toArgs(Arrays.asList("card-4111", 2)), 1, 5, 1500L, 250L, 1_700_000_000_000L,
				Map.of("trace", "abc"));
		byte[] bytes = this.codec.encode(message);
		String json = new String(bytes, StandardCharsets.UTF_8);
		assertThat(json).doesNotContain("card-4111")
			.contains("\"args\":\"gtask:enc:v1:k1:")
			.contains("\"id\":\"id-1\"")
			.contains("\"name\":\"add\"")
			.contains("\"queue\":\"default\"");
		assertThat(this.codec.decode(bytes)).isEqualTo(message);
	}

	@Test
	void encryptingCodecReadsPlainMessagesWrittenBeforeEncryptionWasOn() {
		TaskMessage message = new TaskMessage("id-1", "add", "default", this.codec.toArgs(List.of(1, 2)), 1, null,
				null, null, 5, Map.of());
		assertThat(this.codec.decode(this.plain.encode(message))).isEqualTo(message);
	}

	@Test
	void encryptedArgumentsOfAnotherTaskAreRefusedWithTheTaskIdAndName() {
		TaskMessage message = new TaskMessage("id-1", "add", "default", this.codec.toArgs(List.of(1)), 1, null, null,
				null, 5, Map.of());
		String moved = new String(this.codec.encode(message), StandardCharsets.UTF_8).replace("\"id-1\"", "\"id-2\"");
		assertThatExceptionOfType(UndecryptableTaskMessageException.class)
			.isThrownBy(() -> this.codec.decode(moved.getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("id-2")
			.withMessageContaining("key 'k1'")
			.satisfies((ex) -> {
				assertThat(ex.getTaskId()).isEqualTo("id-2");
				assertThat(ex.getTaskName()).isEqualTo("add");
			});
	}

	@Test
	void plainCodecRefusesEncryptedArgumentsSayingEncryptionIsOff() {
		TaskMessage message = new TaskMessage("id-1", "add", "default", this.codec.toArgs(List.of(1)), 1, null, null,
				null, 5, Map.of());
		assertThatExceptionOfType(UndecryptableTaskMessageException.class)
			.isThrownBy(() -> this.plain.decode(this.codec.encode(message)))
			.withMessageContaining("gtask.encryption.enabled");
	}

	@Test
	void resultsAndStoredArgumentsAreEncryptedAndReadBack() {
		String result = this.codec.writeResult("id-1", Map.of("iban", "DE-secret"));
		String args = this.codec.writeArgs("id-1", this.codec.toArgs(List.of("DE-secret")));
		assertThat(result).startsWith(PayloadCipher.PREFIX).doesNotContain("DE-secret");
		assertThat(args).startsWith(PayloadCipher.PREFIX).doesNotContain("DE-secret");
		assertThat(this.codec.readResult("id-1", result)).isEqualTo("{\"iban\":\"DE-secret\"}");
		TaskInfo stored = new TaskInfo("id-1", "pay", "default", TaskStatus.SUCCESS, result, null, 1, Instant.EPOCH,
				null, Instant.EPOCH, null, args, List.of(), null);
		TaskInfo read = this.codec.readInfo(stored);
		assertThat(read.result()).isEqualTo("{\"iban\":\"DE-secret\"}");
		assertThat(read.args()).isEqualTo("[\"DE-secret\"]");
		assertThatExceptionOfType(PayloadDecryptionException.class).isThrownBy(() -> this.plain.readInfo(stored))
			.withMessageContaining("gtask.encryption.enabled");
	}

	@Test
	void plainCodecWritesPlainJsonAndReturnsPlainInfoAsItIs() {
		assertThat(this.plain.isEncrypting()).isFalse();
		assertThat(this.plain.writeResult("id-1", 5)).isEqualTo("5");
		TaskInfo stored = new TaskInfo("id-1", "add", "default", TaskStatus.SUCCESS, "5", null, 1, Instant.EPOCH,
				null, Instant.EPOCH, null, "[2,3]", List.of(), null);
		assertThat(this.plain.readInfo(stored)).isSameAs(stored);
		assertThat(this.codec.readInfo(stored)).isSameAs(stored);
	}

	private static SecretKey key() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return new SecretKeySpec(key, "AES");
	}

}
