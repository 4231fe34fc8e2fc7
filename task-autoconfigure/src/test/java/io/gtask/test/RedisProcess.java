package io.gtask.test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import redis.embedded.core.ExecutableProvider;

/**
 * A redis-server process owned by one test, on a free port, that the test can stop, kill and
 * start again with the same data directory: the {@code redis-server} on the PATH when there is
 * one, else the binary shipped in the embedded-redis jar.
 */
public final class RedisProcess implements AutoCloseable {

	private final int port;

	private final Path dir;

	private final List<String> extraArgs;

	private Process process;

	private Path config;

	private RedisProcess(int port, Path dir, List<String> extraArgs) {
		this.port = port;
		this.dir = dir;
		this.extraArgs = extraArgs;
	}

	/**
	 * Start a Sentinel that monitors a master under the name {@code mymaster}, with short
	 * timeouts so that a failover takes a few seconds.
	 * @param masterPort the port of the master on 127.0.0.1
	 * @return the running sentinel
	 */
	public static RedisProcess startSentinel(int masterPort) {
		try {
			Path dir = Files.createTempDirectory("gtask-sentinel");
			Path config = dir.resolve("sentinel.conf");
			Files.writeString(config, String.join("\n", "sentinel monitor mymaster 127.0.0.1 " + masterPort + " 1",
					"sentinel down-after-milliseconds mymaster 1000", "sentinel failover-timeout mymaster 5000",
					"sentinel parallel-syncs mymaster 1", ""));
			RedisProcess sentinel = new RedisProcess(TestRedis.freePort(), dir, List.of("--sentinel"));
			sentinel.config = config;
			sentinel.start();
			return sentinel;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Start a server.
	 * @param extraArgs more arguments, such as {@code --requirepass secret}
	 * @return the running server
	 */
	public static RedisProcess start(String... extraArgs) {
		try {
			RedisProcess redis = new RedisProcess(TestRedis.freePort(), Files.createTempDirectory("gtask-redis"),
					List.of(extraArgs));
			redis.start();
			return redis;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Reserve a free port and a data directory for a server without starting it, for tests of
	 * what happens while Redis is not there yet.
	 * @param extraArgs more arguments, such as {@code --requirepass secret}
	 * @return the server, not running until {@link #start()}
	 */
	public static RedisProcess create(String... extraArgs) {
		try {
			return new RedisProcess(TestRedis.freePort(), Files.createTempDirectory("gtask-redis"), List.of(extraArgs));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	/**
	 * Start the server (again), with the same port and data directory.
	 */
	public void start() {
		try {
			List<String> command = new ArrayList<>();
			command.add(executable());
			if (this.config != null) {
				command.add(this.config.toString());
			}
			command.addAll(List.of("--port", Integer.toString(this.port), "--bind", "127.0.0.1", "--dir",
					this.dir.toString(), "--save", ""));
			command.addAll(this.extraArgs);
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.dir.resolve("redis.log").toFile())
				.start();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!TestRedis.answers("127.0.0.1", this.port) && !isAuthRequired()) {
				if (System.nanoTime() > deadline || !this.process.isAlive()) {
					throw new IllegalStateException("redis-server did not start: " + Files.readString(this.dir.resolve("redis.log")));
				}
				Thread.sleep(20);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private boolean isAuthRequired() {
		return this.extraArgs.stream().anyMatch((arg) -> arg.contains("requirepass") || arg.contains("aclfile"))
				&& TestRedis.listening("127.0.0.1", this.port);
	}

	/**
	 * Stop the server at once, as a crash would (SIGKILL).
	 */
	public void kill() {
		this.process.destroyForcibly();
		waitFor();
	}

	/**
	 * Stop the server normally (SIGTERM).
	 */
	public void stop() {
		this.process.destroy();
		waitFor();
	}

	private void waitFor() {
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		if (this.process != null && this.process.isAlive()) {
			kill();
		}
	}

	private static String executable() throws IOException {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			File candidate = new File(dir, "redis-server");
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		File shipped = ExecutableProvider.newJarResourceProvider().get();
		shipped.setExecutable(true);
		return shipped.getAbsolutePath();
	}

}
