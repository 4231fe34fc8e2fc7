package io.gtask.test;

import java.net.InetSocketAddress;
import java.util.UUID;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The MongoDB the tests use, chosen once per JVM: the server at {@code -Dgtask.test.mongo.uri}
 * when given, else a Testcontainers MongoDB where Docker runs, else mongo-java-server, an
 * in-process server that speaks the MongoDB wire protocol, on a free local port. Tests reach
 * each of them through the real driver; which one is used is printed once.
 */
public final class TestMongo {

	private static final String DATABASE = "gtask_test";

	private static final TestMongo INSTANCE = start();

	private final String uri;

	private final String kind;

	private final boolean realServer;

	private final MongoClient client;

	private TestMongo(String uri, String kind, boolean realServer) {
		this.uri = uri;
		this.kind = kind;
		this.realServer = realServer;
		this.client = MongoClients.create(uri);
		Runtime.getRuntime().addShutdownHook(new Thread(this.client::close));
	}

	/**
	 * The shared instance.
	 * @return the MongoDB
	 */
	public static TestMongo get() {
		return INSTANCE;
	}

	/**
	 * The connection string, with the test database, for {@code spring.mongodb.uri}.
	 * @return the URI
	 */
	public String uri() {
		return this.uri;
	}

	public String kind() {
		return this.kind;
	}

	/**
	 * Whether this is a real MongoDB server rather than mongo-java-server.
	 * @return {@code true} for a real server
	 */
	public boolean isRealServer() {
		return this.realServer;
	}

	/**
	 * A template on the shared client and the test database.
	 * @return the template
	 */
	public MongoTemplate template() {
		return new MongoTemplate(this.client, DATABASE);
	}

	/**
	 * A new client that reports every command it sends to the listener. The caller closes it.
	 * @param listener the listener
	 * @return the client
	 */
	public MongoClient client(CommandListener listener) {
		return MongoClients.create(MongoClientSettings.builder()
			.applyConnectionString(new ConnectionString(this.uri))
			.addCommandListener(listener)
			.build());
	}

	/**
	 * A collection name no other test uses.
	 * @return the name
	 */
	public static String uniqueCollection() {
		return "gtask_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	private static TestMongo start() {
		String configured = System.getProperty("gtask.test.mongo.uri");
		if (configured != null && !configured.isBlank()) {
			return log(new TestMongo(configured, "configured server", true));
		}
		if (dockerAvailable()) {
			GenericContainer<?> container = new GenericContainer<>("mongo:8.0").withExposedPorts(27017)
				.waitingFor(Wait.forLogMessage("(?i).*waiting for connections.*", 1));
			container.start();
			return log(new TestMongo("mongodb://" + container.getHost() + ":" + container.getMappedPort(27017) + "/"
					+ DATABASE, "Testcontainers, mongo:8.0", true));
		}
		MongoServer server = new MongoServer(new MemoryBackend());
		server.bind("127.0.0.1", 0);
		Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
		InetSocketAddress address = server.getLocalAddress();
		return log(new TestMongo("mongodb://127.0.0.1:" + address.getPort() + "/" + DATABASE,
				"mongo-java-server, in-process; no Docker", false));
	}

	private static TestMongo log(TestMongo mongo) {
		System.out.println("gtask tests use MongoDB at " + mongo.uri + " (" + mongo.kind + ")");
		return mongo;
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

}
