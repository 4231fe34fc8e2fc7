package io.gtask.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.SecretKey;

import io.gtask.crypto.InMemoryKeyProvider;
import io.gtask.crypto.KeyProvider;
import io.gtask.crypto.PayloadCipher;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the encryption at rest of task arguments and results, when
 * {@code gtask.encryption.enabled=true}: a {@link PayloadCipher} that the message codec of
 * {@link GTaskAutoConfiguration} uses, on the keys of {@code gtask.encryption.keys} or of the
 * application's {@link KeyProvider} bean. A configuration that cannot encrypt fails the start
 * with the name of the property at fault. Tasks run in-process by
 * {@code @AutoConfigureInProcessTasks} are kept nowhere, so there it backs off.
 */
@AutoConfiguration(before = GTaskAutoConfiguration.class)
@ConditionalOnProperty(prefix = "gtask.encryption", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(GTaskEncryptionProperties.class)
@ConditionalOnMissingBean(type = "io.gtask.testing.InProcessTasks")
public final class GTaskEncryptionAutoConfiguration {

	private static final String PREFIX = "gtask.encryption.";

	/**
	 * What failure messages show in the place of a key: never the key itself.
	 */
	private static final String HIDDEN = "(hidden)";

	@Bean
	@ConditionalOnMissingBean(KeyProvider.class)
	InMemoryKeyProvider gtaskKeyProvider(GTaskEncryptionProperties properties) {
		if (properties.getKeys().isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "keys", null,
					"Encryption is enabled but no key is configured: set gtask.encryption.keys.<key-id> to the "
							+ "Base64 text of a 128, 192 or 256-bit AES key, or define a KeyProvider bean");
		}
		Map<String, SecretKey> keys = new LinkedHashMap<>();
		properties.getKeys().forEach((id, text) -> {
			try {
				keys.put(id, InMemoryKeyProvider.decode(id, text));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "keys." + id, HIDDEN, ex.getMessage());
			}
		});
		String current = properties.getCurrentKey();
		if (current == null || !keys.containsKey(current)) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "current-key", current,
					"The current key must be the id of one of the keys of gtask.encryption.keys " + keys.keySet());
		}
		try {
			return new InMemoryKeyProvider(keys, current);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "keys", HIDDEN, ex.getMessage());
		}
	}

	@Bean
	@ConditionalOnMissingBean
	PayloadCipher gtaskPayloadCipher(KeyProvider keyProvider) {
		return new PayloadCipher(keyProvider);
	}

}
