package io.gtask.durable;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;

/**
 * Handlers of the durable mode tests; they count their runs by argument, shared by every
 * context of a test.
 */
public class DurableHandlers {

	static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

	static final Map<String, String> ERRORS = new ConcurrentHashMap<>();

	static int runs(String key) {
		AtomicInteger runs = RUNS.get(key);
		return (runs != null) ? runs.get() : 0;
	}

	private static int count(String key) {
		return RUNS.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
	}

	@TaskHandler("work")
	public String work(String key, long millis) throws InterruptedException {
		count(key);
		Thread.sleep(millis);
		return key + ":done";
	}

	@TaskHandler(value = "approve", manualCommit = true)
	public void approve(String key, String how, TaskContext context) throws InterruptedException {
		int run = count(key);
		switch (how) {
			case "later" -> CompletableFuture.runAsync(() -> context.commit(key + ":approved"),
					CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
			case "now" -> context.commit(key + ":approved-now");
			case "reject" -> context.commitFailure(new IllegalArgumentException("rejected " + key));
			case "commit-then-throw" -> {
				context.commit(key + ":committed");
				throw new IllegalStateException("failed after committing " + key);
			}
			case "slow" -> {
				// runs longer than the reaper's timeout, then returns without committing
				if (run == 1) {
					Thread.sleep(2500);
				}
			}
			case "again-later" -> {
				if (run == 1) {
					// after the handler returned: the task is sent again
					CompletableFuture.runAsync(context::commitRequeue,
							CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
				}
				else {
					context.commit(key + ":run " + run);
				}
			}
			case "again" -> {
				if (run == 1) {
					context.commitRequeue();
				}
				else {
					context.commit(key + ":run " + run);
				}
			}
			default -> {
				// never commits
			}
		}
	}

	@TaskHandler(value = "approveThenHang", manualCommit = true, timeout = "300ms")
	public void approveThenHang(String key, TaskContext context) throws InterruptedException {
		count(key);
		context.commit(key + ":committed");
		// runs past its timeout after committing
		Thread.sleep(10_000);
	}

	@TaskHandler("autoCommit")
	public String autoCommit(String key, TaskContext context) {
		try {
			context.commit("by hand");
		}
		catch (IllegalStateException ex) {
			ERRORS.put(key, ex.getMessage());
		}
		return "auto";
	}

}
