package io.gtask.crypto;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PayloadCipher}.
 */
class PayloadCipherTests {

	private static final SecretKey KEY_A = key(32);

	private static final SecretKey KEY_B = key(16);

	private final PayloadCipher cipher = new PayloadCipher(new InMemoryKeyProvider(Map.of("a", KEY_A), "a"));

	@Test
	void encryptedValueNamesItsKeyAndHidesThePlaintext() {
		String text = this.cipher.encrypt("[\"secret-value\"]", "task-1", PayloadCipher.Part.ARGUMENTS);
		assertThat(text).startsWith("gtask:enc:v1:a:").doesNotContain("secret-value");
		assertThat(PayloadCipher.isEncrypted(text)).isTrue();
		assertThat(this.cipher.decrypt(text, "task-1", PayloadCipher.Part.ARGUMENTS)).isEqualTo("[\"secret-value\"]");
	}

	@Test
	void eachEncryptionUsesAFreshIv() {
		String first = this.cipher.encrypt("42", "task-1", PayloadCipher.Part.RESULT);
		String second = this.cipher.encrypt("42", "task-1", PayloadCipher.Part.RESULT);
		assertThat(first).isNotEqualTo(second);
	}

	@Test
	void valuesOfAKeyThatIsNoLongerCurrentStillDecrypt() {
		String old = this.cipher.encrypt("\"old\"", "task-1", PayloadCipher.Part.RESULT);
		PayloadCipher rotated = new PayloadCipher(new InMemoryKeyProvider(Map.of("a", KEY_A, "b", KEY_B), "b"));
		assertThat(rotated.encrypt("1", "task-2", PayloadCipher.Part.RESULT)).startsWith("gtask:enc:v1:b:");
		assertThat(rotated.decrypt(old, "task-1", PayloadCipher.Part.RESULT)).isEqualTo("\"old\"");
	}

	@Test
	void valueOfAKeyThatIsNotConfiguredFailsNamingTheKeyAndTheTask() {
		String old = this.cipher.encrypt("\"old\"", "task-1", PayloadCipher.Part.RESULT);
		PayloadCipher withoutA = new PayloadCipher(new InMemoryKeyProvider(Map.of("b", KEY_B), "b"));
		assertThatExceptionOfType(PayloadDecryptionException.class)
			.isThrownBy(() -> withoutA.decrypt(old, "task-1", PayloadCipher.Part.RESULT))
			.withMessageContaining("key 'a' is not configured")
			.withMessageContaining("task-1")
			.satisfies((ex) -> assertThat(ex.getKeyId()).isEqualTo("a"));
	}

	@Test
	void alteredValueFailsAuthentication() {
		String text = this.cipher.encrypt("\"value\"", "task-1", PayloadCipher.Part.RESULT);
		int at = text.length() - 10;
		String altered = text.substring(0, at) + ((text.charAt(at) == 'A') ? 'B' : 'A') + text.substring(at + 1);
		assertThatExceptionOfType(PayloadDecryptionException.class)
			.isThrownBy(() -> this.cipher.decrypt(altered, "task-1", PayloadCipher.Part.RESULT))
			.withMessageContaining("authentication failed");
	}

	@Test
	void truncatedValueFails() {
		String text = this.cipher.encrypt("\"value\"", "task-1", PayloadCipher.Part.RESULT);
		assertThatExceptionOfType(PayloadDecryptionException.class)
			.isThrownBy(() -> this.cipher.decrypt(text.substring(0, PayloadCipher.PREFIX.length() + 2 + 8), "task-1", PayloadCipher.Part.RESULT))
			.withMessageContaining("truncated");
		assertThatExceptionOfType(PayloadDecryptionException.class)
			.isThrownBy(() -> this.cipher.decrypt(text.substring(0, text.length() - 4), "task-1",
					PayloadCipher.Part.RESULT))
			.withMessageContaining("authentication failed");
	}

	@Test
	void valueCopiedToAnotherTaskOrPartFails() {
		String text = this.cipher.encrypt("\"value\"", "task-1", PayloadCipher.Part.RESULT);
		assertThatExceptionOfType(PayloadDecryptionException.class)
			.isThrownBy(() -> this.cipher.decrypt(text, "task-2", PayloadCipher.Part.RESULT))
			.withMessageContaining("task-2");
		assertThatExceptionOfType(PayloadDecryptionException.class)
			.isThrownBy(() -> this.cipher.decrypt(text, "task-1", PayloadCipher.Part.ARGUMENTS));
	}

	@Test
	void textWithoutValidKeyIdOrBase64Fails() {
		assertThatExceptionOfType(PayloadDecryptionException.class)
			.isThrownBy(() -> this.cipher.decrypt("gtask:enc:v1:", "t", PayloadCipher.Part.RESULT))
			.withMessageContaining("no valid key id");
		assertThatExceptionOfType(PayloadDecryptionException.class)
			.isThrownBy(() -> this.cipher.decrypt("gtask:enc:v1:a:!!!", "t", PayloadCipher.Part.RESULT))
			.withMessageContaining("not valid Base64");
		assertThatExceptionOfType(PayloadDecryptionException.class)
			.isThrownBy(() -> this.cipher.decrypt("[1]", "t", PayloadCipher.Part.RESULT))
			.withMessageContaining("not an encrypted value");
	}

	@Test
	void keysMustBeAesKeysOfAllowedLengthsAndTheCurrentKeyMustExist() {
		assertThatIllegalArgumentException().isThrownBy(() -> InMemoryKeyProvider.fromBase64(Map.of("a", "not base64!"), "a"))
			.withMessageContaining("'a'")
			.withMessageContaining("Base64");
		String shortKey = Base64.getEncoder().encodeToString(new byte[10]);
		assertThatIllegalArgumentException().isThrownBy(() -> InMemoryKeyProvider.fromBase64(Map.of("a", shortKey), "a"))
			.withMessageContaining("80 bits");
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryKeyProvider(Map.of("a", KEY_A), "b"))
			.withMessageContaining("'b'");
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryKeyProvider(Map.of("a:b", KEY_A), "a:b"))
			.withMessageContaining("Key id 'a:b'");
		assertThat(InMemoryKeyProvider.fromBase64(Map.of("k", Base64.getEncoder().encodeToString(new byte[24])), "k")
			.getKey("k")).isNotNull();
	}

	@Test
	void providerWithoutItsCurrentKeyIsRefused() {
		KeyProvider broken = new KeyProvider() {

			@Override
			public String getCurrentKeyId() {
				return "missing";
			}

			@Override
			public SecretKey getKey(String keyId) {
				return null;
			}

		};
		assertThatIllegalArgumentException().isThrownBy(() -> new PayloadCipher(broken)).withMessageContaining("'missing'");
	}

	static SecretKey key(int bytes) {
		byte[] key = new byte[bytes];
		new SecureRandom().nextBytes(key);
		return new SecretKeySpec(key, "AES");
	}

}
