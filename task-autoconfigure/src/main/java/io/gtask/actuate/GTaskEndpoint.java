package io.gtask.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.gtask.core.DeadLetterView;
import io.gtask.core.DeadLetters;
import io.gtask.core.QueueInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskQueues;
import io.gtask.worker.WorkerInfo;
import io.gtask.worker.WorkerRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code gtask} endpoint: reads queues, workers, tasks and dead letters, and pauses or
 * resumes queues, revokes or cancels tasks, retries and deletes dead letters.
 * <p>
 * Paths, under {@code /actuator/gtask} on the web:
 * <ul>
 * <li>{@code GET /} the queues known here and the workers of all instances</li>
 * <li>{@code GET /queues/{queue}}, {@code GET /tasks/{id}}</li>
 * <li>{@code GET /queues/{queue}/dead?offset=&limit=}, {@code GET /queues/{queue}/dead/{id}}</li>
 * <li>{@code POST /queues/{queue}/pause}, {@code POST /queues/{queue}/resume}</li>
 * <li>{@code POST /tasks/{id}/revoke}, {@code POST /tasks/{id}/cancel}</li>
 * <li>{@code POST /queues/{queue}/dead/retry}, {@code POST /queues/{queue}/dead/{id}/retry}</li>
 * <li>{@code DELETE /queues/{queue}/dead}, {@code DELETE /queues/{queue}/dead/{id}}</li>
 * </ul>
 * A read of something that does not exist answers 404, a path that names no operation 400.
 */
@Endpoint(id = "gtask")
public class GTaskEndpoint {

	private static final String QUEUES = "queues";

	private static final String TASKS = "tasks";

	private static final String DEAD = "dead";

	private static final int DEFAULT_LIMIT = 20;

	private static final int MAX_LIMIT = 500;

	private final TaskQueues queues;

	private final DeadLetters deadLetters;

	private final TaskClient client;

	private final @Nullable WorkerRegistry workerRegistry;

	private final Supplier<List<String>> knownQueues;

	private Clock clock = Clock.systemUTC();

	/**
	 * Create an endpoint.
	 * @param queues reads and steers queues
	 * @param deadLetters reads and handles dead letters
	 * @param client reads, revokes and cancels tasks
	 * @param workerRegistry lists workers, if there is a registry
	 * @param knownQueues the queues this instance consumes or sends to, listed with the queues
	 * of all workers
	 */
	public GTaskEndpoint(TaskQueues queues, DeadLetters deadLetters, TaskClient client,
			@Nullable WorkerRegistry workerRegistry, Supplier<List<String>> knownQueues) {
		this.queues = queues;
		this.deadLetters = deadLetters;
		this.client = client;
		this.workerRegistry = workerRegistry;
		this.knownQueues = knownQueues;
	}

	/**
	 * Set the clock, for tests that control time.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * The queues known to this instance and consumed by any worker, and the workers alive.
	 * @return the overview
	 */
	@ReadOperation
	public GTaskDescriptor gtask() {
		List<WorkerInfo> workers = workers();
		Set<String> names = new LinkedHashSet<>(this.knownQueues.get());
		workers.forEach((worker) -> names.addAll(worker.queues()));
		Map<String, QueueInfo> infos = new LinkedHashMap<>();
		names.forEach((queue) -> infos.put(queue, this.queues.info(queue)));
		return new GTaskDescriptor(infos, workers);
	}

	/**
	 * A queue ({@code queues/{queue}}), a task ({@code tasks/{id}}), a flow and its steps
	 * ({@code flows/{id}}) or a batch and its counts ({@code batches/{id}}).
	 * @param kind {@code queues}, {@code tasks}, {@code flows} or {@code batches}
	 * @param name the queue, or the id
	 * @return the queue, task, flow or batch, {@code null} for an unknown id
	 */
	@ReadOperation
	public @Nullable Object item(@Selector String kind, @Selector String name) {
		return switch (kind) {
			case QUEUES -> this.queues.info(valid(name));
			case TASKS -> this.client.find(name).orElse(null);
			case "flows" -> this.client.flows().find(name).orElse(null);
			case "batches" -> this.client.batches().find(name).orElse(null);
			default -> throw invalid(kind);
		};
	}

	/**
	 * A page of the dead letters of a queue ({@code queues/{queue}/dead}), newest first.
	 * @param kind {@code queues}
	 * @param queue the queue
	 * @param part {@code dead}
	 * @param offset how many to skip, 0 by default
	 * @param limit the most to return, 20 by default, 500 at most
	 * @return the page
	 */
	@ReadOperation
	public DeadLetterPage deadLetters(@Selector String kind, @Selector String queue, @Selector String part,
			@Nullable Integer offset, @Nullable Integer limit) {
		checkDead(kind, queue, part);
		int from = Math.max(0, (offset != null) ? offset : 0);
		int size = Math.min(MAX_LIMIT, Math.max(1, (limit != null) ? limit : DEFAULT_LIMIT));
		List<DeadLetterView> letters = this.deadLetters.list(queue, from, size)
			.stream()
			.map(DeadLetterView::of)
			.toList();
		return new DeadLetterPage(queue, this.deadLetters.count(queue), from, size, letters);
	}

	/**
	 * One dead letter ({@code queues/{queue}/dead/{id}}).
	 * @param kind {@code queues}
	 * @param queue the queue
	 * @param part {@code dead}
	 * @param id the dead letter id
	 * @return the dead letter, {@code null} if unknown
	 */
	@ReadOperation
	public @Nullable DeadLetterView deadLetter(@Selector String kind, @Selector String queue,
			@Selector String part, @Selector String id) {
		checkDead(kind, queue, part);
		return this.deadLetters.find(queue, id).map(DeadLetterView::of).orElse(null);
	}

	/**
	 * Pause or resume a queue ({@code queues/{queue}/pause}, {@code queues/{queue}/resume}),
	 * or revoke or cancel a task ({@code tasks/{id}/revoke}, {@code tasks/{id}/cancel}).
	 * @param kind {@code queues} or {@code tasks}
	 * @param name the queue or the task id
	 * @param action what to do
	 * @return the queue info after the change, or whether the task was revoked or cancelled
	 */
	@WriteOperation
	public Object act(@Selector String kind, @Selector String name, @Selector String action) {
		if (QUEUES.equals(kind)) {
			valid(name);
			switch (action) {
				case "pause" -> this.queues.pause(name);
				case "resume" -> this.queues.resume(name);
				default -> throw invalid(kind + "/" + name + "/" + action);
			}
			return this.queues.info(name);
		}
		if (TASKS.equals(kind)) {
			return switch (action) {
				case "revoke" -> Map.of("id", name, "revoked", this.client.revoke(name));
				case "cancel" -> Map.of("id", name, "cancelled", this.client.cancel(name));
				default -> throw invalid(kind + "/" + name + "/" + action);
			};
		}
		throw invalid(kind);
	}

	/**
	 * Send the tasks of all valid dead letters of a queue again ({@code queues/{queue}/dead/retry}).
	 * @param kind {@code queues}
	 * @param queue the queue
	 * @param part {@code dead}
	 * @param action {@code retry}
	 * @return the number of tasks sent again
	 */
	@WriteOperation
	public Map<String, Object> retryAll(@Selector String kind, @Selector String queue, @Selector String part,
			@Selector String action) {
		checkDead(kind, queue, part);
		checkRetry(action);
		return Map.of("queue", queue, "requeued", this.deadLetters.requeueAll(queue));
	}

	/**
	 * Send the task of one dead letter again ({@code queues/{queue}/dead/{id}/retry}).
	 * @param kind {@code queues}
	 * @param queue the queue
	 * @param part {@code dead}
	 * @param id the dead letter id
	 * @param action {@code retry}
	 * @return the new task id, or whether the dead letter existed
	 */
	@WriteOperation
	public Map<String, Object> retry(@Selector String kind, @Selector String queue, @Selector String part,
			@Selector String id, @Selector String action) {
		checkDead(kind, queue, part);
		checkRetry(action);
		return this.deadLetters.requeue(queue, id)
			.<Map<String, Object>>map((taskId) -> Map.of("id", id, "requeued", true, "taskId", taskId))
			.orElse(Map.of("id", id, "requeued", false));
	}

	/**
	 * Delete all dead letters of a queue ({@code queues/{queue}/dead}).
	 * @param kind {@code queues}
	 * @param queue the queue
	 * @param part {@code dead}
	 * @return the number deleted
	 */
	@DeleteOperation
	public Map<String, Object> deleteAll(@Selector String kind, @Selector String queue, @Selector String part) {
		checkDead(kind, queue, part);
		return Map.of("queue", queue, "deleted", this.deadLetters.deleteAll(queue));
	}

	/**
	 * Delete one dead letter ({@code queues/{queue}/dead/{id}}).
	 * @param kind {@code queues}
	 * @param queue the queue
	 * @param part {@code dead}
	 * @param id the dead letter id
	 * @return whether it existed
	 */
	@DeleteOperation
	public Map<String, Object> delete(@Selector String kind, @Selector String queue, @Selector String part,
			@Selector String id) {
		checkDead(kind, queue, part);
		return Map.of("id", id, "deleted", this.deadLetters.delete(queue, id));
	}

	private List<WorkerInfo> workers() {
		return (this.workerRegistry != null) ? this.workerRegistry.workers(this.clock.instant()) : List.of();
	}

	private static String valid(String queue) {
		try {
			return TaskMessageRules.validQueue(queue);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "Invalid queue name");
		}
	}

	private static void checkDead(String kind, String queue, String part) {
		if (!QUEUES.equals(kind) || !DEAD.equals(part)) {
			throw invalid(kind + "/" + queue + "/" + part);
		}
		valid(queue);
	}

	private static void checkRetry(String action) {
		if (!"retry".equals(action)) {
			throw invalid(action);
		}
	}

	private static InvalidEndpointRequestException invalid(String path) {
		return new InvalidEndpointRequestException("No gtask operation at '" + path + "'",
				"No gtask operation at this path");
	}

	/**
	 * What the endpoint shows at its root.
	 *
	 * @param queues the queues known here and consumed by any worker, by name
	 * @param workers the workers alive
	 */
	public record GTaskDescriptor(Map<String, QueueInfo> queues, List<WorkerInfo> workers) {
	}

	/**
	 * A page of dead letters.
	 *
	 * @param queue the queue
	 * @param total the number of dead letters of the queue
	 * @param offset how many were skipped
	 * @param limit the most returned
	 * @param deadLetters the dead letters, newest first
	 */
	public record DeadLetterPage(String queue, long total, int offset, int limit,
			List<DeadLetterView> deadLetters) {
	}

}
