package io.gtask.it;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import org.jspecify.annotations.Nullable;

/**
 * Handlers the integration tests send tasks to.
 */
public class TestHandlers {

	public record Money(String currency, long cents) {
	}

	public record Invoice(String customer, List<Money> lines, LocalDate due) {
	}

	public record InvoiceTotal(String customer, Money total, LocalDate due) {
	}

	final AtomicInteger running = new AtomicInteger();

	final AtomicInteger maxRunning = new AtomicInteger();

	final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	final List<Instant> flakyAttempts = new CopyOnWriteArrayList<>();

	final CopyOnWriteArrayList<Boolean> cancelledAfterTimeout = new CopyOnWriteArrayList<>();

	volatile CountDownLatch gate = new CountDownLatch(0);

	@TaskHandler("add")
	int add(int a, int b) {
		return a + b;
	}

	@TaskHandler("sleep")
	long sleep(long millis) throws InterruptedException {
		Thread.sleep(millis);
		return millis;
	}

	@TaskHandler("fail")
	void fail(String message) {
		throw new IllegalStateException(message);
	}

	@TaskHandler(value = "failOnce", maxRetries = 0)
	void failNoRetry(String message) {
		throw new IllegalStateException(message);
	}

	@TaskHandler(value = "flaky", maxRetries = 3, backoff = "200ms")
	String flaky(int failures) {
		this.flakyAttempts.add(Instant.now());
		if (this.flakyAttempts.size() <= failures) {
			throw new IllegalStateException("failure " + this.flakyAttempts.size());
		}
		return "ok after " + this.flakyAttempts.size();
	}

	@TaskHandler(value = "notRetried", maxRetries = 5, noRetryFor = IllegalArgumentException.class)
	void notRetried() {
		throw new IllegalArgumentException("bad argument, retrying would not help");
	}

	@TaskHandler(value = "slow", timeout = "300ms", maxRetries = 0)
	String slow(TaskContext context) {
		try {
			Thread.sleep(10_000);
			return "finished";
		}
		catch (InterruptedException ex) {
			this.cancelledAfterTimeout.add(context.isCancelled());
			return "interrupted";
		}
	}

	volatile boolean releaseStubborn;

	volatile boolean stubbornSpinning;

	@TaskHandler(value = "stubborn", timeout = "200ms", maxRetries = 0)
	String stubborn() throws InterruptedException {
		this.stubbornSpinning = true;
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!this.releaseStubborn && System.nanoTime() < end) {
			// ignores interruption on purpose
			Thread.onSpinWait();
		}
		this.stubbornSpinning = false;
		return "done too late";
	}

	@TaskHandler("invoice")
	InvoiceTotal invoice(Invoice invoice) {
		long cents = invoice.lines().stream().mapToLong(Money::cents).sum();
		return new InvoiceTotal(invoice.customer(), new Money(invoice.lines().get(0).currency(), cents), invoice.due());
	}

	@TaskHandler("describe")
	String describe(List<Integer> numbers, Map<String, String> labels, @Nullable String nothing, Instant when) {
		return numbers + " " + labels + " " + nothing + " " + when;
	}

	@TaskHandler("context")
	String context(TaskContext context, String suffix) {
		return context.id() + "/" + context.name() + "/" + context.attempt() + "/" + suffix;
	}

	@TaskHandler("gated")
	int gated(int n) throws InterruptedException {
		int now = this.running.incrementAndGet();
		this.maxRunning.accumulateAndGet(now, Math::max);
		try {
			this.gate.await(10, TimeUnit.SECONDS);
			return n;
		}
		finally {
			this.running.decrementAndGet();
		}
	}

	@TaskHandler(value = "count")
	int count(String key) {
		return this.calls.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
	}

	@TaskHandler(value = "elsewhere", queue = "other")
	String elsewhere() {
		return "from other";
	}

	/**
	 * Calls by key, shared by every application context of the test JVM, so that tests with
	 * several workers can count how often a task really ran.
	 */
	static final Map<String, AtomicInteger> SHARED_CALLS = new ConcurrentHashMap<>();

	static int sharedCalls(String key) {
		AtomicInteger calls = SHARED_CALLS.get(key);
		return (calls != null) ? calls.get() : 0;
	}

	@TaskHandler(value = "once", maxRetries = 0)
	String once(String key, long firstSleep) throws InterruptedException {
		int call = SHARED_CALLS.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		if (call == 1 && firstSleep > 0) {
			Thread.sleep(firstSleep);
		}
		return key + ":" + call;
	}

	@TaskHandler(value = "failFirst", maxRetries = 0)
	String failFirst(String key) {
		int call = SHARED_CALLS.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		if (call == 1) {
			throw new IllegalStateException("first run of " + key + " fails");
		}
		return "ok on run " + call;
	}

	@TaskHandler("crash")
	void crash(int depth) {
		crash(depth + 1);
	}

}
