package io.gtask.crypto;

import io.gtask.core.GTaskException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when an encrypted value cannot be decrypted: its key id is not configured, or it was
 * altered, truncated or copied from another task.
 */
public class PayloadDecryptionException extends GTaskException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String keyId;

	/**
	 * Create an exception.
	 * @param message what is wrong, naming the task and the key id
	 * @param keyId the key id the value names, if it could be read
	 * @param cause the cause, if any
	 */
	public PayloadDecryptionException(String message, @Nullable String keyId, @Nullable Throwable cause) {
		super(message, cause);
		this.keyId = keyId;
	}

	/**
	 * The key id the value names.
	 * @return the key id, or {@code null} if the value names none that could be read
	 */
	public @Nullable String getKeyId() {
		return this.keyId;
	}

}
