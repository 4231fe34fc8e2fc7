package io.gtask.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * A Redis Cluster of three masters, each a test-owned redis-server, with the 16384 slots split
 * among them.
 */
public final class RedisClusterProcess implements AutoCloseable {

	private static final int SLOTS = 16384;

	private final List<RedisProcess> nodes = new ArrayList<>();

	private RedisClusterProcess() {
	}

	/**
	 * Start three nodes and join them into a cluster whose every slot is served.
	 * @return the running cluster
	 */
	public static RedisClusterProcess start() {
		RedisClusterProcess cluster = new RedisClusterProcess();
		try {
			for (int i = 0; i < 3; i++) {
				cluster.nodes.add(RedisProcess.start("--cluster-enabled", "yes", "--cluster-node-timeout", "2000",
						"--appendonly", "no"));
			}
			cluster.join();
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	private void join() {
		List<RedisClient> clients = new ArrayList<>();
		try {
			List<RedisCommands<String, String>> commands = new ArrayList<>();
			for (RedisProcess node : this.nodes) {
				RedisClient client = RedisClient.create(node.url());
				clients.add(client);
				StatefulRedisConnection<String, String> connection = client.connect();
				commands.add(connection.sync());
			}
			for (int i = 0; i < this.nodes.size(); i++) {
				int from = SLOTS * i / this.nodes.size();
				int to = SLOTS * (i + 1) / this.nodes.size();
				commands.get(i).clusterAddSlots(IntStream.range(from, to).toArray());
			}
			for (int i = 1; i < this.nodes.size(); i++) {
				commands.get(0).clusterMeet("127.0.0.1", this.nodes.get(i).port());
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (!commands.stream().allMatch((node) -> node.clusterInfo().contains("cluster_state:ok"))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Redis Cluster did not come up: " + commands.get(0).clusterInfo());
				}
				Thread.sleep(100);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			clients.forEach(RedisClient::shutdown);
		}
	}

	/**
	 * The nodes as {@code spring.data.redis.cluster.nodes} takes them.
	 * @return host:port pairs separated by commas
	 */
	public String nodes() {
		return this.nodes.stream().map((node) -> "127.0.0.1:" + node.port()).collect(Collectors.joining(","));
	}

	@Override
	public void close() {
		this.nodes.forEach(RedisProcess::close);
	}

}
