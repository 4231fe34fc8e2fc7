package io.gtask.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

import org.jspecify.annotations.Nullable;

/**
 * Encrypts the arguments and results of tasks with AES-GCM, as text that names its key:
 * {@code gtask:enc:v1:<key id>:<Base64 of the 12-byte IV followed by the ciphertext and its
 * 128-bit tag>}.
 * <p>
 * The associated data binds each value to its task and to what it is (arguments or result), so
 * that a value copied onto another task, or from a result to arguments, fails to decrypt like
 * an altered one. Everything decrypted was read from a store and is untrusted: every failure is a
 * {@link PayloadDecryptionException} naming the task and the key id.
 */
public final class PayloadCipher {

	/**
	 * The start of every encrypted value.
	 */
	public static final String PREFIX = "gtask:enc:v1:";

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	private static final int IV_LENGTH = 12;

	private static final int TAG_BITS = 128;

	private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private final KeyProvider keys;

	private final SecureRandom random = new SecureRandom();

	/**
	 * Create a cipher.
	 * @param keys the keys
	 * @throws IllegalArgumentException if the provider has no valid current key
	 */
	public PayloadCipher(KeyProvider keys) {
		this.keys = keys;
		String current = keys.getCurrentKeyId();
		checkKeyId(current);
		SecretKey key = keys.getKey(current);
		if (key == null) {
			throw new IllegalArgumentException("The current key '" + current + "' is not among the keys");
		}
		checkKey(current, key);
	}

	/**
	 * What an encrypted value holds, part of what it is bound to.
	 */
	public enum Part {

		/**
		 * The arguments of a task.
		 */
		ARGUMENTS("arguments"),

		/**
		 * The result of a task.
		 */
		RESULT("result"),

		/**
		 * The detail of the progress a task reported.
		 */
		PROGRESS("progress detail");

		private final String label;

		Part(String label) {
			this.label = label;
		}

	}

	/**
	 * Whether a text is an encrypted value, judged by its prefix alone.
	 * @param text the text
	 * @return whether it starts with {@link #PREFIX}
	 */
	public static boolean isEncrypted(@Nullable String text) {
		return text != null && text.startsWith(PREFIX);
	}

	/**
	 * Encrypt a value with the current key.
	 * @param plaintext the value, usually JSON text
	 * @param taskId the task it belongs to
	 * @param part what it is
	 * @return the encrypted value
	 */
	public String encrypt(String plaintext, String taskId, Part part) {
		String keyId = this.keys.getCurrentKeyId();
		SecretKey key = this.keys.getKey(keyId);
		if (key == null) {
			throw new IllegalStateException("The current key '" + keyId + "' is not among the keys");
		}
		byte[] iv = new byte[IV_LENGTH];
		this.random.nextBytes(iv);
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
			cipher.updateAAD(associatedData(taskId, part));
			byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
			byte[] data = new byte[IV_LENGTH + sealed.length];
			System.arraycopy(iv, 0, data, 0, IV_LENGTH);
			System.arraycopy(sealed, 0, data, IV_LENGTH, sealed.length);
			return PREFIX + keyId + ":" + Base64.getEncoder().encodeToString(data);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot encrypt the " + part.label + " of task " + taskId + " with key '"
					+ keyId + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * Decrypt a value.
	 * @param text the encrypted value
	 * @param taskId the task it must belong to
	 * @param part what it must be
	 * @return the value
	 * @throws PayloadDecryptionException if the text is not an encrypted value, names a key
	 * that is not configured, or was altered, truncated or encrypted for another task or part
	 */
	public String decrypt(String text, String taskId, Part part) {
		String what = "Cannot decrypt the " + part.label + " of task " + taskId + ": ";
		if (!isEncrypted(text)) {
			throw new PayloadDecryptionException(what + "not an encrypted value", null, null);
		}
		int colon = text.indexOf(':', PREFIX.length());
		String keyId = (colon > 0) ? text.substring(PREFIX.length(), colon) : null;
		if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
			throw new PayloadDecryptionException(what + "no valid key id", null, null);
		}
		SecretKey key = this.keys.getKey(keyId);
		if (key == null) {
			throw new PayloadDecryptionException(what + "key '" + keyId + "' is not configured", keyId, null);
		}
		byte[] data;
		try {
			data = Base64.getDecoder().decode(text.substring(colon + 1));
		}
		catch (IllegalArgumentException ex) {
			throw new PayloadDecryptionException(what + "key '" + keyId + "', not valid Base64", keyId, ex);
		}
		if (data.length < IV_LENGTH + TAG_BITS / 8) {
			throw new PayloadDecryptionException(what + "key '" + keyId + "', truncated", keyId, null);
		}
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, IV_LENGTH));
			cipher.updateAAD(associatedData(taskId, part));
			byte[] plain = cipher.doFinal(data, IV_LENGTH, data.length - IV_LENGTH);
			return new String(plain, StandardCharsets.UTF_8);
		}
		catch (AEADBadTagException ex) {
			throw new PayloadDecryptionException(what + "key '" + keyId
					+ "', authentication failed (altered, truncated, or encrypted for another task)", keyId, ex);
		}
		catch (GeneralSecurityException ex) {
			throw new PayloadDecryptionException(what + "key '" + keyId + "', " + ex.getMessage(), keyId, ex);
		}
	}

	private static byte[] associatedData(String taskId, Part part) {
		return ("gtask:" + part.name() + ":" + taskId).getBytes(StandardCharsets.UTF_8);
	}

	static void checkKeyId(String keyId) {
		if (!KEY_ID.matcher(keyId).matches()) {
			throw new IllegalArgumentException("Key id '" + keyId
					+ "' is not 1 to 64 letters, digits, '.', '_' or '-'");
		}
	}

	static void checkKey(String keyId, SecretKey key) {
		byte[] encoded = key.getEncoded();
		int length = (encoded != null) ? encoded.length : -1;
		if (!"AES".equalsIgnoreCase(key.getAlgorithm()) || (length != 16 && length != 24 && length != 32)) {
			throw new IllegalArgumentException("Key '" + keyId + "' is not an AES key of 128, 192 or 256 bits (it has "
					+ ((length >= 0) ? length * 8 + " bits" : "no encoded form") + ")");
		}
	}

}
