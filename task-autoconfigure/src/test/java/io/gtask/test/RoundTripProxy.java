package io.gtask.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a Redis server that counts round trips: each time a client sends
 * after it received a reply (or for the first time), a new round trip begins. Commands a
 * client pipelines without waiting for their replies count as one.
 * <p>
 * Replies reach the client a few milliseconds late, as over a network, so that the parts of
 * one large write that TCP delivers separately all arrive before any reply does: only a client
 * that waits for a reply before it writes again starts a new round trip.
 */
public final class RoundTripProxy implements AutoCloseable {

	private static final long REPLY_DELAY_MILLIS = 5;

	private final ServerSocket server;

	private final String targetHost;

	private final int targetPort;

	private final AtomicLong roundTrips = new AtomicLong();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private RoundTripProxy(String targetHost, int targetPort) throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		Thread acceptor = new Thread(this::accept, "round-trip-proxy");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Start a proxy in front of the test Redis.
	 * @return the proxy
	 */
	public static RoundTripProxy start() {
		try {
			return new RoundTripProxy(TestRedis.get().host(), TestRedis.get().port());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The URL clients connect to.
	 * @return the URL
	 */
	public String url() {
		return "redis://127.0.0.1:" + this.server.getLocalPort();
	}

	/**
	 * The round trips of all connections so far.
	 * @return the count
	 */
	public long roundTrips() {
		return this.roundTrips.get();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				client.setTcpNoDelay(true);
				Socket target = new Socket(this.targetHost, this.targetPort);
				target.setTcpNoDelay(true);
				this.sockets.add(client);
				this.sockets.add(target);
				Connection connection = new Connection();
				pump(client, target, connection, true);
				pump(target, client, connection, false);
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void pump(Socket from, Socket to, Connection connection, boolean fromClient) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[1 << 16];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (!fromClient) {
						Thread.sleep(REPLY_DELAY_MILLIS);
					}
					connection.saw(fromClient);
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// closed
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				close(from);
				close(to);
			}
		}, "round-trip-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	private static void close(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closed already
		}
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closed already
		}
		this.sockets.forEach(RoundTripProxy::close);
	}

	/**
	 * Which side of one connection sent last.
	 */
	private final class Connection {

		private boolean clientSentLast;

		synchronized void saw(boolean fromClient) {
			if (fromClient && !this.clientSentLast) {
				RoundTripProxy.this.roundTrips.incrementAndGet();
			}
			this.clientSentLast = fromClient;
		}

	}

}
