package io.gtask.sample.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker of the benchmark in a process of its own, so that the CPU time of the worker is
 * measured apart from the producer and the benchmark's own polling, as the peer benchmarks
 * measure their worker processes.
 * <p>
 * {@link #main} boots the worker context, prints {@value #READY} on stdout and runs until its
 * stdin is closed; {@link #start} launches it from the benchmark with the same class path.
 */
final class BenchmarkWorker implements AutoCloseable {

	static final String READY = "gtask-bench-worker ready";

	private final Process process;

	private BenchmarkWorker(Process process) {
		this.process = process;
	}

	/**
	 * Launch a worker process and wait until its context runs.
	 * @param redisUrl the Redis server
	 * @param keyPrefix the key prefix of the run
	 * @param concurrency the worker's concurrency
	 * @param extra more {@code --name=value} properties of the worker context
	 * @return the running worker
	 * @throws IOException if the process cannot be started or ends before it is ready
	 */
	static BenchmarkWorker start(String redisUrl, String keyPrefix, int concurrency, List<String> extra)
			throws IOException {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		String options = System.getenv("WORKER_JAVA_OPTS");
		if (options != null && !options.isBlank()) {
			command.addAll(List.of(options.trim().split("\\s+")));
		}
		command.addAll(List.of("-cp", System.getProperty("java.class.path"),
				"-Dloader.main=" + BenchmarkWorker.class.getName(),
				"org.springframework.boot.loader.launch.PropertiesLauncher", redisUrl, keyPrefix,
				Integer.toString(concurrency)));
		command.addAll(extra);
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		for (String line = out.readLine(); !READY.equals(line); line = out.readLine()) {
			if (line == null) {
				throw new IOException("The benchmark worker ended before it was ready");
			}
		}
		return new BenchmarkWorker(process);
	}

	/**
	 * The worker process, to read its CPU time.
	 * @return the process
	 */
	ProcessHandle handle() {
		return this.process.toHandle();
	}

	@Override
	public void close() throws InterruptedException {
		try (OutputStream in = this.process.getOutputStream()) {
			// closing stdin tells the worker to stop
		}
		catch (IOException ex) {
			// gone already
		}
		if (!this.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

	public static void main(String[] args) throws Exception {
		List<String> extra = List.of(args).subList(3, args.length);
		try (ConfigurableApplicationContext worker = GTaskBenchmark.boot(args[0], args[1], true,
				Integer.parseInt(args[2]), extra)) {
			System.out.println(READY);
			System.out.flush();
			while (System.in.read() >= 0) {
				// runs until the benchmark closes stdin
			}
		}
		System.exit(0);
	}

}
