package io.gtask.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import redis.embedded.RedisServer;

/**
 * The real Redis the integration tests use, chosen once per JVM: the server on
 * 127.0.0.1:6379 when it answers, else a Testcontainers container where Docker runs, else the
 * redis-server binary shipped in the embedded-redis jar on a free port.
 */
public final class TestRedis {

	private static final TestRedis INSTANCE = start();

	private final String host;

	private final int port;

	private final String kind;

	private TestRedis(String host, int port, String kind) {
		this.host = host;
		this.port = port;
		this.kind = kind;
	}

	/**
	 * The shared instance.
	 * @return the Redis
	 */
	public static TestRedis get() {
		return INSTANCE;
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	public String kind() {
		return this.kind;
	}

	public String url() {
		return "redis://" + this.host + ":" + this.port;
	}

	/**
	 * A new, started connection factory for this Redis. The caller destroys it.
	 * @return the factory
	 */
	public LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(this.host, this.port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private static TestRedis start() {
		// -Dgtask.test.redis=embedded runs the suite on the embedded redis-server 6.2, the oldest supported
		boolean embeddedOnly = "embedded".equals(System.getProperty("gtask.test.redis"));
		if (embeddedOnly) {
			return embedded();
		}
		if (answers("127.0.0.1", 6379)) {
			return log(new TestRedis("127.0.0.1", 6379, "local server"));
		}
		if (dockerAvailable()) {
			GenericContainer<?> container = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
			container.start();
			return log(new TestRedis(container.getHost(), container.getMappedPort(6379), "Testcontainers"));
		}
		return embedded();
	}

	private static TestRedis embedded() {
		try {
			int port = freePort();
			RedisServer server = new RedisServer(port);
			server.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					server.stop();
				}
				catch (IOException ex) {
					// the JVM is going away
				}
			}));
			return log(new TestRedis("127.0.0.1", port, "embedded redis-server"));
		}
		catch (IOException ex) {
			throw new IllegalStateException("No Redis for the tests: none on 127.0.0.1:6379, no Docker, and the "
					+ "embedded redis-server did not start", ex);
		}
	}

	private static TestRedis log(TestRedis redis) {
		System.out.println("gtask tests use Redis at " + redis.url() + " (" + redis.kind + ")");
		return redis;
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	/**
	 * Whether a Redis server answers PING at the address.
	 * @param host the host
	 * @param port the port
	 * @return {@code true} if it answered
	 */
	public static boolean answers(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 500);
			socket.setSoTimeout(1000);
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			byte[] buffer = new byte[7];
			int read = socket.getInputStream().read(buffer);
			return read > 0 && new String(buffer, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Whether anything accepts TCP connections at the address.
	 * @param host the host
	 * @param port the port
	 * @return {@code true} if a connection was accepted
	 */
	public static boolean listening(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * A TCP port nothing listens on now.
	 * @return the port
	 */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
