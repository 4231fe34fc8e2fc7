package io.gtask.sample;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import org.springframework.stereotype.Component;

/**
 * The sample's task handlers. Any Spring bean can declare {@link TaskHandler} methods; this
 * one also shows a handler that relies on another bean ({@link InvoiceCalculator}).
 */
@Component
public class SampleTasks {

	private final InvoiceCalculator invoiceCalculator;

	SampleTasks(InvoiceCalculator invoiceCalculator) {
		this.invoiceCalculator = invoiceCalculator;
	}

	@TaskHandler("add")
	public int add(int a, int b) {
		return a + b;
	}

	@TaskHandler("sum")
	public long sum(List<Integer> numbers) {
		return numbers.stream().mapToLong(Integer::longValue).sum();
	}

	/**
	 * Sleep, as a stand-in for slow work. {@link Thread#sleep(long)} responds to the interrupt
	 * a timeout sends, so a sleep past the timeout ends at once.
	 */
	@TaskHandler(value = "sleep", timeout = "1m")
	public long sleep(long ms) throws InterruptedException {
		Thread.sleep(ms);
		return ms;
	}

	@TaskHandler("fail")
	public void fail(String message) {
		throw new IllegalStateException(message);
	}

	/**
	 * Total an invoice: a record argument in, a record result out. An invalid invoice stays
	 * invalid, so retrying it would only delay the failure.
	 */
	@TaskHandler(value = "invoice", noRetryFor = IllegalArgumentException.class)
	public InvoiceTotal invoice(Invoice invoice) {
		return this.invoiceCalculator.total(invoice);
	}

	/**
	 * Hash a text many times over: CPU-bound work that no interrupt stops, so it checks the
	 * {@link TaskContext} for cancellation (its timeout) as it goes.
	 */
	@TaskHandler(value = "hash", timeout = "10s", maxRetries = 0)
	public HashResult hash(String text, int rounds, TaskContext context) throws NoSuchAlgorithmException {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		byte[] value = text.getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < rounds; i++) {
			if (i % 10_000 == 0) {
				context.throwIfCancelled();
			}
			value = digest.digest(value);
		}
		return new HashResult(context.id(), context.attempt(), rounds, HexFormat.of().formatHex(value));
	}

	/**
	 * Build a report: heavy work that the database behind it takes at most twice at once, from
	 * all instances together. Tasks over the limit wait in Redis without holding a worker slot,
	 * and start as running ones finish.
	 */
	@TaskHandler(value = "report", queue = "reports", concurrency = 2)
	public String report(String customer, long ms) throws InterruptedException {
		Thread.sleep(ms);
		return "report for " + customer;
	}

	/**
	 * Send a notification through a provider that accepts at most five calls a second from all
	 * instances together. Tasks over the rate wait their turn; none fails for it.
	 */
	@TaskHandler(value = "notify", rateLimit = "5/1s")
	public String sendNotification(String recipient, String text) {
		return "sent to " + recipient + ": " + text;
	}

	/**
	 * Render a thumbnail: memory-hungry work of which each instance runs at most two at once,
	 * however many instances there are.
	 */
	@TaskHandler(value = "thumbnail", localConcurrency = 2)
	public String thumbnail(String image, long ms) throws InterruptedException {
		Thread.sleep(ms);
		return "thumbnail of " + image;
	}

	/**
	 * Export records in steps of 100 ms: a long task that stops as soon as it is cancelled
	 * ({@code POST /tasks/{id}/cancel}). The sleep ends with {@link InterruptedException} when
	 * the worker interrupts the thread, and the check between steps catches a cancellation that
	 * arrives while the handler is not blocked.
	 */
	@TaskHandler(value = "export", timeout = "10m", maxRetries = 0)
	public int export(int steps, TaskContext context) throws InterruptedException {
		for (int step = 0; step < steps; step++) {
			context.throwIfCancelled();
			Thread.sleep(100);
		}
		return steps;
	}

	/**
	 * Result of the {@code hash} task.
	 *
	 * @param taskId the id of the task that computed it
	 * @param attempt the attempt that computed it
	 * @param rounds the number of rounds
	 * @param sha256 the final hash, in hex
	 */
	public record HashResult(String taskId, int attempt, int rounds, String sha256) {

	}

}
