package io.gtask.it;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import org.jspecify.annotations.Nullable;

/**
 * Handlers the flow tests compose; each counts its runs, by name, across the contexts of a test.
 */
public class WorkflowHandlers {

	static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

	public record Invoice(String customer, BigDecimal amount) {
	}

	static void reset() {
		RUNS.clear();
	}

	static int runs(String name) {
		AtomicInteger runs = RUNS.get(name);
		return (runs != null) ? runs.get() : 0;
	}

	private static void ran(String name) {
		RUNS.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
	}

	@TaskHandler("wf.add")
	int add(int a, int b) {
		ran("wf.add");
		return a + b;
	}

	@TaskHandler("wf.inc")
	int inc(int a) {
		ran("wf.inc");
		return a + 1;
	}

	@TaskHandler("wf.echo")
	String echo(String value, long sleepMillis) throws InterruptedException {
		ran("wf.echo");
		Thread.sleep(sleepMillis);
		return value;
	}

	@TaskHandler("wf.sum")
	int sum(List<Integer> values) {
		ran("wf.sum");
		return values.stream().mapToInt(Integer::intValue).sum();
	}

	@TaskHandler("wf.failures")
	int failures(List<Object> values) {
		ran("wf.failures");
		return (int) values.stream()
			.filter((value) -> value instanceof Map<?, ?> map && Boolean.TRUE.equals(map.get("failed")))
			.count();
	}

	@TaskHandler(value = "wf.fail", maxRetries = 0)
	int fail(@Nullable Object input) {
		ran("wf.fail");
		throw new IllegalStateException("broken on purpose");
	}

	@TaskHandler(value = "wf.flaky", maxRetries = 3, backoff = "10ms")
	int flaky(String key) {
		ran("wf.flaky");
		if (RUNS.computeIfAbsent("wf.flaky:" + key, (k) -> new AtomicInteger()).incrementAndGet() < 3) {
			throw new IllegalStateException("not yet");
		}
		return 7;
	}

	@TaskHandler("wf.sleep")
	long sleep(long millis) throws InterruptedException {
		ran("wf.sleep");
		Thread.sleep(millis);
		return millis;
	}

	@TaskHandler("wf.progress")
	int progress(int steps, long sleepMillis, TaskContext context) throws InterruptedException {
		ran("wf.progress");
		for (int i = 1; i <= steps; i++) {
			Thread.sleep(sleepMillis);
			context.progress((double) i / steps, "step " + i + " of " + steps, Map.of("done", i));
		}
		return steps;
	}

	@TaskHandler(value = "wf.badProgress", maxRetries = 0)
	void badProgress(double fraction, TaskContext context) {
		context.progress(fraction);
	}

	@TaskHandler("wf.invoices")
	List<Invoice> invoices(String customer) {
		ran("wf.invoices");
		return List.of(new Invoice(customer, new BigDecimal("12.3400000000000000000000000000001")),
				new Invoice(customer, new BigDecimal("1E+3")));
	}

	@TaskHandler("wf.total")
	BigDecimal total(List<Invoice> invoices) {
		ran("wf.total");
		return invoices.stream().map(Invoice::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
	}

}
