package io.gtask.crypto;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * A {@link KeyProvider} of keys held in memory, as configured by {@code gtask.encryption.keys}
 * and {@code gtask.encryption.current-key}.
 */
public final class InMemoryKeyProvider implements KeyProvider {

	private final Map<String, SecretKey> keys;

	private final String currentKeyId;

	/**
	 * Create a provider.
	 * @param keys the keys by id
	 * @param currentKeyId the id of the key that encrypts new values, one of {@code keys}
	 * @throws IllegalArgumentException if a key id or a key is not valid, or the current key is
	 * not among the keys
	 */
	public InMemoryKeyProvider(Map<String, SecretKey> keys, String currentKeyId) {
		keys.forEach((id, key) -> {
			PayloadCipher.checkKeyId(id);
			PayloadCipher.checkKey(id, key);
		});
		Assert.isTrue(keys.containsKey(currentKeyId),
				() -> "The current key '" + currentKeyId + "' is not among the keys " + keys.keySet());
		this.keys = Map.copyOf(keys);
		this.currentKeyId = currentKeyId;
	}

	/**
	 * Create a provider of keys written in Base64.
	 * @param keys the Base64 text of each key by id
	 * @param currentKeyId the id of the key that encrypts new values
	 * @return the provider
	 * @throws IllegalArgumentException if a key is not Base64 of 16, 24 or 32 bytes, or the
	 * current key is not among the keys; the message never holds a key
	 */
	public static InMemoryKeyProvider fromBase64(Map<String, String> keys, String currentKeyId) {
		Map<String, SecretKey> decoded = new LinkedHashMap<>();
		keys.forEach((id, text) -> decoded.put(id, decode(id, text)));
		return new InMemoryKeyProvider(decoded, currentKeyId);
	}

	/**
	 * Read one AES key written in Base64.
	 * @param keyId the id of the key, for the message of a failure
	 * @param text the Base64 text
	 * @return the key
	 * @throws IllegalArgumentException if the key id is not valid or the text is not Base64 of
	 * 16, 24 or 32 bytes; the message never holds the text
	 */
	public static SecretKey decode(String keyId, String text) {
		PayloadCipher.checkKeyId(keyId);
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode(text.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Key '" + keyId + "' is not valid Base64", ex);
		}
		SecretKey key = new SecretKeySpec(bytes, "AES");
		PayloadCipher.checkKey(keyId, key);
		return key;
	}

	@Override
	public String getCurrentKeyId() {
		return this.currentKeyId;
	}

	@Override
	public @Nullable SecretKey getKey(String keyId) {
		return this.keys.get(keyId);
	}

}
