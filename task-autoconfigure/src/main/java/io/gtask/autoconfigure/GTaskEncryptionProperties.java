package io.gtask.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the encryption at rest of task arguments and results.
 * <p>
 * A class of its own rather than a group of {@link GTaskProperties}, because its keys are
 * secrets that only {@link GTaskEncryptionAutoConfiguration} reads.
 */
@ConfigurationProperties("gtask.encryption")
public class GTaskEncryptionProperties {

	/**
	 * Whether to encrypt task arguments and results with AES-GCM before they are written to
	 * Redis or to a result backend.
	 */
	private boolean enabled;

	/**
	 * AES keys by key id, each the Base64 text of 16, 24 or 32 bytes. Keys that are no longer
	 * current stay here as long as values encrypted with them may be read. Not used when the
	 * application defines a KeyProvider bean.
	 */
	private Map<String, String> keys = new LinkedHashMap<>();

	/**
	 * Id of the key, among the keys, that encrypts new values. Not used when the application
	 * defines a KeyProvider bean.
	 */
	private @Nullable String currentKey;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, String> getKeys() {
		return this.keys;
	}

	public void setKeys(Map<String, String> keys) {
		this.keys = keys;
	}

	public @Nullable String getCurrentKey() {
		return this.currentKey;
	}

	public void setCurrentKey(@Nullable String currentKey) {
		this.currentKey = currentKey;
	}

}
