package io.gtask.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's jar, processed by Spring AOT at build time ({@code process-aot}), runs as an
 * AOT-processed application on the JVM ({@code -Dspring.aot.enabled=true}): its handlers are
 * found and run tasks, and the actuator endpoint and the dashboard answer. The native-image
 * metadata that the processing wrote holds gtask's hints and those of the sample's handlers.
 * <p>
 * Runs after {@code package}, on the jar, in a JVM of its own with its embedded Redis, as
 * the README runs the sample.
 */
class AotApplicationIT {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(150);

	private static final String METADATA = "META-INF/native-image/io.gtask/gtask-sample-app/reachability-metadata.json";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static Path jar;

	private static Path log;

	private static Process application;

	private static String base;

	@BeforeAll
	static void startAotProcessedApplication() throws IOException {
		jar = Path.of(System.getProperty("gtask.sample.jar", "target/gtask-sample-app-0.1.0-SNAPSHOT.jar"));
		assertThat(jar).as("the sample's jar, built by package").isRegularFile();
		int port = freePort();
		base = "http://127.0.0.1:" + port;
		log = jar.resolveSibling("aot-application-it.log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		application = new ProcessBuilder(List.of(java, "-Dspring.aot.enabled=true", "-jar", jar.toString(),
				"--server.port=" + port, "--server.address=127.0.0.1",
				"--gtask.key-prefix=gtask-aot-" + UUID.randomUUID().toString().substring(0, 8),
				"--sample.heartbeat.cron=-"))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		await().atMost(STARTUP_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
			assertThat(application.isAlive()).as(AotApplicationIT::output).isTrue();
			return output().contains("Started SampleApplication");
		});
	}

	@AfterAll
	static void stopApplication() throws InterruptedException {
		if (application != null) {
			application.destroy();
			if (!application.waitFor(30, TimeUnit.SECONDS)) {
				application.destroyForcibly();
			}
		}
	}

	@Test
	void jarHoldsTheProcessedApplicationAndItsHints() throws IOException {
		try (JarFile file = new JarFile(jar.toFile())) {
			assertThat(file.getEntry("BOOT-INF/classes/io/gtask/sample/SampleApplication__ApplicationContextInitializer.class"))
				.isNotNull();
			ZipEntry entry = file.getEntry(METADATA);
			assertThat(entry).as(METADATA).isNotNull();
			try (InputStream in = file.getInputStream(entry)) {
				JsonNode metadata = json.readTree(in);
				assertThat(metadata.get("resources").findValuesAsString("glob")).contains("io/gtask/**/*.lua",
						"io/gtask/backend/jdbc/schema-*.sql", "io/gtask/dashboard/static/*");
				JsonNode tasks = typeHint(metadata, SampleTasks.class.getName());
				assertThat(tasks.get("methods").findValuesAsString("name")).contains("add", "invoice", "hash");
				assertThat(typeHint(metadata, Invoice.class.getName()).get("methods").findValuesAsString("name"))
					.contains("lines", "issued");
				assertThat(typeHint(metadata, InvoiceTotal.class.getName()).get("methods").findValuesAsString("name"))
					.contains("gross");
				typeHint(metadata, "io.gtask.core.TaskInfo");
			}
		}
	}

	@Test
	void applicationRunsAotProcessed() {
		assertThat(output()).contains("Starting AOT-processed SampleApplication");
	}

	@Test
	void tasksSucceed() throws Exception {
		String add = send("add", "[2, 3]");
		String invoice = send("invoice", """
				[{"number": "INV-7", "customer": "ACME", "issued": "2026-01-31",
				  "lines": [{"sku": "A", "quantity": 2, "unitPrice": 10.50}]}]""");
		JsonNode added = finished(add);
		assertThat(added.get("status").asString()).isEqualTo("SUCCESS");
		assertThat(added.get("result").asInt()).isEqualTo(5);
		JsonNode total = finished(invoice);
		assertThat(total.get("status").asString()).as(total.toString()).isEqualTo("SUCCESS");
		assertThat(total.get("result").get("gross").decimalValue()).isEqualByComparingTo("25.20");
		assertThat(total.get("result").get("due").asString()).isEqualTo("2026-03-02");
	}

	@Test
	void failedTaskReportsItsError() throws Exception {
		String id = send("fail?maxRetries=0", "[\"boom\"]");
		JsonNode failed = finished(id);
		assertThat(failed.get("status").asString()).isEqualTo("FAILURE");
		assertThat(failed.get("error").get("message").asString()).isEqualTo("boom");
	}

	@Test
	void actuatorEndpointAndDashboardAnswer() throws Exception {
		String id = send("add", "[1, 1]");
		finished(id);
		HttpResponse<String> task = get("/actuator/gtask/tasks/" + id, null);
		assertThat(task.statusCode()).isEqualTo(200);
		assertThat(json.readTree(task.body()).get("name").asString()).isEqualTo("add");
		assertThat(json.readTree(get("/actuator/gtask", null).body()).get("queues").has("default")).isTrue();
		String admin = "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> page = get("/gtask/", admin);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<html");
		HttpResponse<String> overview = get("/gtask/api/overview", admin);
		assertThat(overview.statusCode()).isEqualTo(200);
		assertThat(json.readTree(overview.body()).get("counts").has("pending")).isTrue();
	}

	private static JsonNode typeHint(JsonNode metadata, String type) {
		for (JsonNode hint : metadata.get("reflection")) {
			if (type.equals(hint.path("type").asString(""))) {
				return hint;
			}
		}
		throw new AssertionError("No reflection hint for " + type + " in " + METADATA);
	}

	private static String send(String task, String arguments) throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/tasks/" + task))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(arguments))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
		return json.readTree(response.body()).get("id").asString();
	}

	private static JsonNode finished(String id) throws Exception {
		HttpResponse<String> response = get("/tasks/" + id + "?wait=30s", null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private static HttpResponse<String> get(String path, String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(40));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String output() {
		try {
			return Files.readString(log);
		}
		catch (IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}
