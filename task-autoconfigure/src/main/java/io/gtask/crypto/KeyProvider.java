package io.gtask.crypto;

import javax.crypto.SecretKey;

import org.jspecify.annotations.Nullable;

/**
 * The AES keys that encrypt task arguments and results, each known by an id that is written
 * beside every value it encrypted. New values are encrypted with the current key; a value is
 * decrypted with the key of the id it carries, so keys can be rotated by making a new key current
 * while the old ones stay available until nothing encrypted with them is left.
 * <p>
 * A bean of this type replaces the keys of {@code gtask.encryption.keys}, for example to read
 * them from a key management service. Implementations are called on every write and read of an
 * encrypted value and should answer from memory.
 */
public interface KeyProvider {

	/**
	 * The id of the key that encrypts new values.
	 * @return the key id, of letters, digits, {@code '.'}, {@code '_'} and {@code '-'}
	 */
	String getCurrentKeyId();

	/**
	 * A key by its id.
	 * @param keyId the key id, as read from an encrypted value
	 * @return the AES key of 128, 192 or 256 bits, or {@code null} if no key has that id
	 */
	@Nullable SecretKey getKey(String keyId);

}
