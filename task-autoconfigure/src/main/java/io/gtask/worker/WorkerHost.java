package io.gtask.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The host name workers report, resolved once because a lookup may be slow.
 */
final class WorkerHost {

	static final String NAME = resolve();

	private WorkerHost() {
	}

	private static String resolve() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "unknown-host";
		}
	}

}
