package io.gtask.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskSendException;
import io.gtask.test.RedisProcess;
import io.gtask.test.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * gtask over TLS to Redis, configured the Spring Boot way ({@code spring.data.redis.ssl.*} with
 * an SSL bundle of {@code spring.ssl.bundle.pem.*}): a redis-server of the test's own listens on
 * a TLS port with certificates the test makes with {@code openssl}, and asks for the client's
 * certificate too. A task is sent and its result read over TLS; without the client's
 * certificate, or without TLS, the same port refuses.
 */
class RedisTlsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static Path certificates;

	private static RedisProcess redis;

	private static int tlsPort;

	@BeforeAll
	static void startRedisWithTls() throws Exception {
		certificates = Files.createTempDirectory("gtask-tls");
		makeCertificates(certificates);
		tlsPort = TestRedis.freePort();
		redis = RedisProcess.start("--tls-port", Integer.toString(tlsPort), "--tls-cert-file",
				file("server.crt"), "--tls-key-file", file("server.key"), "--tls-ca-cert-file", file("ca.crt"),
				"--tls-auth-clients", "yes");
	}

	@AfterAll
	static void stopRedis() throws IOException {
		if (redis != null) {
			redis.close();
		}
		FileSystemUtils.deleteRecursively(certificates);
	}

	@Test
	void taskIsSentAndItsResultReadOverTls() {
		runner().withPropertyValues("spring.data.redis.ssl.enabled=true", "spring.data.redis.ssl.bundle=gtask-redis",
				"spring.ssl.bundle.pem.gtask-redis.keystore.certificate=file:" + file("client.crt"),
				"spring.ssl.bundle.pem.gtask-redis.keystore.private-key=file:" + file("client.key"),
				"spring.ssl.bundle.pem.gtask-redis.truststore.certificate=file:" + file("ca.crt"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TaskClient client = context.getBean(TaskClient.class);
				String id = client.send("add", 20, 22);
				assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(42);
			});
	}

	@Test
	void clientWithoutItsCertificateIsRefused() {
		runner().withPropertyValues("gtask.redis.timeout=2s", "spring.data.redis.ssl.enabled=true",
				"spring.data.redis.ssl.bundle=gtask-redis",
				"spring.ssl.bundle.pem.gtask-redis.truststore.certificate=file:" + file("ca.crt"))
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				assertThatExceptionOfType(TaskSendException.class).isThrownBy(() -> client.send("add", 1, 2));
			});
	}

	@Test
	void withoutTlsTheTlsPortRefuses() {
		runner().withPropertyValues("gtask.redis.timeout=2s").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			assertThatExceptionOfType(TaskSendException.class).isThrownBy(() -> client.send("add", 1, 2));
		});
	}

	private static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
					JacksonAutoConfiguration.class, GTaskAutoConfiguration.class))
			.withUserConfiguration(TaskLifecycleIntegrationTests.HandlersConfiguration.class)
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + tlsPort,
					"gtask.key-prefix=gtask-test-" + UUID.randomUUID().toString().substring(0, 8),
					"gtask.worker.poll-timeout=200ms", "gtask.worker.shutdown-timeout=2s");
	}

	private static String file(String name) {
		return certificates.resolve(name).toString();
	}

	/**
	 * A certificate authority, a server certificate for 127.0.0.1 and a client certificate
	 * signed by it, as PEM files valid for two days.
	 */
	private static void makeCertificates(Path dir) throws Exception {
		Files.writeString(dir.resolve("server.ext"),
				"subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
		Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
		openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days",
				"2", "-subj", "/CN=gtask test CA");
		for (String party : new String[] { "server", "client" }) {
			openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", party + ".key", "-out", party + ".csr",
					"-subj", "/CN=gtask test " + party);
			openssl(dir, "x509", "-req", "-in", party + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
					"-out", party + ".crt", "-days", "2", "-extfile", party + ".ext");
		}
	}

	private static void openssl(Path dir, String... args) throws Exception {
		List<String> command = new ArrayList<>();
		command.add("openssl");
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
		}
	}

}
