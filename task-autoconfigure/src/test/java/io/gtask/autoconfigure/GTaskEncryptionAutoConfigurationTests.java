package io.gtask.autoconfigure;

import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.gtask.core.TaskMessageCodec;
import io.gtask.crypto.InMemoryKeyProvider;
import io.gtask.crypto.KeyProvider;
import io.gtask.crypto.PayloadCipher;
import io.gtask.testing.InProcessTasksAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and properties of {@link GTaskEncryptionAutoConfiguration}. The contexts are
 * refreshed without starting the container, so no Redis is needed here.
 */
class GTaskEncryptionAutoConfigurationTests {

	private static final String KEY_A = key(32);

	private static final String KEY_B = key(16);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				GTaskEncryptionAutoConfiguration.class, GTaskAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1")
		.withBean("noAutoStartup", GTaskAutoConfigurationTests.NoAutoStartup.class);

	@Test
	void encryptsNothingByDefault() {
		this.runner.withPropertyValues("gtask.encryption.keys.a=" + KEY_A, "gtask.encryption.current-key=a")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(PayloadCipher.class).doesNotHaveBean(KeyProvider.class);
				assertThat(context.getBean(TaskMessageCodec.class).isEncrypting()).isFalse();
			});
	}

	@Test
	void encryptsWithTheKeysOfThePropertiesWhenEnabled() {
		this.runner
			.withPropertyValues("gtask.encryption.enabled=true", "gtask.encryption.keys.a=" + KEY_A,
					"gtask.encryption.keys.b=" + KEY_B, "gtask.encryption.current-key=b")
			.run((context) -> {
				assertThat(context).hasSingleBean(PayloadCipher.class);
				assertThat(context.getBean(KeyProvider.class).getCurrentKeyId()).isEqualTo("b");
				assertThat(context.getBean(KeyProvider.class).getKey("a")).isNotNull();
				TaskMessageCodec codec = context.getBean(TaskMessageCodec.class);
				assertThat(codec.isEncrypting()).isTrue();
				assertThat(codec.writeResult("t", 5)).startsWith("gtask:enc:v1:b:");
			});
	}

	@Test
	void usesTheApplicationsKeyProvider() {
		SecretKey key = new SecretKeySpec(Base64.getDecoder().decode(KEY_A), "AES");
		this.runner.withPropertyValues("gtask.encryption.enabled=true")
			.withBean(KeyProvider.class, () -> new KeyProvider() {

				@Override
				public String getCurrentKeyId() {
					return "vault-7";
				}

				@Override
				public SecretKey getKey(String keyId) {
					return "vault-7".equals(keyId) ? key : null;
				}

			})
			.run((context) -> {
				assertThat(context).doesNotHaveBean(InMemoryKeyProvider.class);
				assertThat(context.getBean(TaskMessageCodec.class).writeResult("t", 5)).startsWith("gtask:enc:v1:vault-7:");
			});
	}

	@Test
	void keyThatIsNotBase64FailsNamingItsPropertyWithoutShowingIt() {
		this.runner
			.withPropertyValues("gtask.encryption.enabled=true", "gtask.encryption.keys.a=not*base64",
					"gtask.encryption.current-key=a")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("gtask.encryption.keys.a")
				.hasMessageContaining("Base64")
				.hasMessageNotContaining("not*base64"));
	}

	@Test
	void keyIdThatCannotBeWrittenInAValueFailsNamingItsProperty() {
		this.runner
			.withPropertyValues("gtask.encryption.enabled=true", "gtask.encryption.keys.[a*b]=" + KEY_A,
					"gtask.encryption.current-key=a*b")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("gtask.encryption.keys.a*b")
				.hasMessageContaining("Key id 'a*b'"));
	}

	@Test
	void keyOfAWrongLengthFailsNamingItsProperty() {
		this.runner
			.withPropertyValues("gtask.encryption.enabled=true",
					"gtask.encryption.keys.a=" + Base64.getEncoder().encodeToString(new byte[20]),
					"gtask.encryption.current-key=a")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("gtask.encryption.keys.a")
				.hasMessageContaining("160 bits"));
	}

	@Test
	void currentKeyThatIsNotAmongTheKeysFailsNamingItsProperty() {
		this.runner
			.withPropertyValues("gtask.encryption.enabled=true", "gtask.encryption.keys.a=" + KEY_A,
					"gtask.encryption.current-key=c")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("gtask.encryption.current-key")
				.hasMessageContaining("[a]"));
		this.runner.withPropertyValues("gtask.encryption.enabled=true", "gtask.encryption.keys.a=" + KEY_A)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("gtask.encryption.current-key"));
	}

	@Test
	void backsOffForTasksRunInProcess() {
		this.runner.withConfiguration(AutoConfigurations.of(InProcessTasksAutoConfiguration.class))
			.withPropertyValues("gtask.encryption.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PayloadCipher.class));
	}

	@Test
	void enabledWithoutKeysFailsNamingTheProperty() {
		this.runner.withPropertyValues("gtask.encryption.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("gtask.encryption.keys"));
	}

	private static String key(int bytes) {
		byte[] key = new byte[bytes];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

}
