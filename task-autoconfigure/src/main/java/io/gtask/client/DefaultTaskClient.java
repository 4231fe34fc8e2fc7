package io.gtask.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.gtask.backend.NewTask;
import io.gtask.backend.ResultBackend;
import io.gtask.broker.OutgoingTask;
import io.gtask.broker.TaskBroker;
import io.gtask.core.DuplicateTaskException;
import io.gtask.core.GTaskException;
import io.gtask.core.PayloadTooLargeException;
import io.gtask.core.TaskAwaitTimeoutException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFailedException;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskNotFinishedException;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisKeyspace;
import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.util.unit.DataSize;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ArrayNode;

/**
 * The default {@link TaskClient}: records each task as PENDING in the result backend, then
 * queues its message on the broker.
 */
public class DefaultTaskClient implements TaskClient {

	private final TaskBroker broker;

	private final ResultBackend backend;

	private final TaskMessageCodec codec;

	private final TaskRegistry registry;

	private final String defaultQueue;

	private final DataSize maxPayloadSize;

	private Map<String, String> routes = Map.of();

	private Clock clock = Clock.systemUTC();

	/**
	 * Create a client.
	 * @param broker the broker
	 * @param backend the result backend
	 * @param codec the message codec
	 * @param registry the local task handlers, whose queues are used when a sender names none
	 * @param defaultQueue the queue of tasks whose handler and sender name none
	 * @param maxPayloadSize the largest message accepted
	 */
	public DefaultTaskClient(TaskBroker broker, ResultBackend backend, TaskMessageCodec codec, TaskRegistry registry,
			String defaultQueue, DataSize maxPayloadSize) {
		this.broker = broker;
		this.backend = backend;
		this.codec = codec;
		this.registry = registry;
		this.defaultQueue = RedisKeyspace.validQueue(defaultQueue);
		this.maxPayloadSize = maxPayloadSize;
	}

	/**
	 * Set the queue of each task name, used for tasks sent without a queue before the queue of a
	 * local handler.
	 * @param routes the queues by task name
	 */
	public void setRoutes(Map<String, String> routes) {
		this.routes = Map.copyOf(routes);
	}

	/**
	 * Set the clock, for tests that control time.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	@Override
	public String send(String name, @Nullable Object... args) {
		return send(TaskRequest.of(name).args(args).build());
	}

	@Override
	public String send(TaskRequest request) {
		return sendAll(Collections.singletonList(request)).get(0);
	}

	@Override
	public List<String> sendAll(List<TaskRequest> requests) {
		Instant now = this.clock.instant();
		List<NewTask> records = new ArrayList<>(requests.size());
		List<OutgoingTask> messages = new ArrayList<>(requests.size());
		for (TaskRequest request : requests) {
			String id = (request.id() != null) ? request.id() : UUID.randomUUID().toString();
			String queue = RedisKeyspace.validQueue(queueOf(request));
			byte[] payload = encode(request, id, queue, now);
			Instant due = (request.eta() != null && request.eta().isAfter(now)) ? request.eta() : null;
			records.add(new NewTask(id, request.name(), queue, now, request.id() != null));
			messages.add(new OutgoingTask(queue, id, payload, due));
		}
		if (records.stream().noneMatch(NewTask::exclusive)) {
			// generated ids cannot clash: record and queue in one round trip
			join(this.backend.create(records), this.broker.enqueue(messages), requests, messages);
			return records.stream().map(NewTask::id).toList();
		}
		List<String> refused = join(this.backend.create(records), null, requests, messages);
		messages.removeIf((message) -> refused.contains(message.id()));
		join(null, this.broker.enqueue(messages), requests, messages);
		if (!refused.isEmpty()) {
			throw new DuplicateTaskException("Task id '" + refused.get(0) + "' is already in use"
					+ ((requests.size() > 1) ? " (the other tasks were sent)" : ""));
		}
		return records.stream().map(NewTask::id).toList();
	}

	private List<String> join(@Nullable CompletableFuture<List<String>> created,
			@Nullable CompletableFuture<Void> queued, List<TaskRequest> requests, List<OutgoingTask> messages) {
		List<String> refused = List.of();
		RuntimeException failure = null;
		if (created != null) {
			try {
				refused = created.join();
			}
			catch (CompletionException ex) {
				failure = unavailable(requests, ex.getCause());
			}
		}
		if (queued != null) {
			try {
				queued.join();
			}
			catch (CompletionException ex) {
				forget(messages);
				failure = (failure != null) ? failure : unavailable(requests, ex.getCause());
			}
		}
		if (failure != null) {
			throw failure;
		}
		return refused;
	}

	private String queueOf(TaskRequest request) {
		if (request.queue() != null) {
			return request.queue();
		}
		String routed = this.routes.get(request.name());
		if (routed != null) {
			return routed;
		}
		TaskHandlerMethod handler = this.registry.find(request.name());
		return (handler != null && handler.getQueue() != null) ? handler.getQueue() : this.defaultQueue;
	}

	private byte[] encode(TaskRequest request, String id, String queue, Instant now) {
		ArrayNode args;
		try {
			args = this.codec.toArgs(request.args());
		}
		catch (JacksonException ex) {
			throw new TaskSendException(
					"Arguments of task '" + request.name() + "' cannot be written as JSON: " + ex.getOriginalMessage(),
					ex);
		}
		TaskMessage message = new TaskMessage(id, request.name(), queue, args, 1, request.maxRetries(),
				(request.timeout() != null) ? request.timeout().toMillis() : null,
				(request.backoff() != null) ? request.backoff().toMillis() : null, now.toEpochMilli(),
				Collections.emptyMap());
		byte[] payload = this.codec.encode(message);
		if (payload.length > this.maxPayloadSize.toBytes()) {
			throw new PayloadTooLargeException("Task '" + request.name() + "' is " + payload.length
					+ " bytes as a message, over the limit of " + this.maxPayloadSize.toBytes()
					+ " bytes (gtask.message.max-payload-size); it was not sent");
		}
		return payload;
	}

	private void forget(List<OutgoingTask> messages) {
		for (OutgoingTask message : messages) {
			try {
				this.backend.delete(message.id());
			}
			catch (RuntimeException ignored) {
				// Redis is away; the PENDING record expires with its time to live
			}
		}
	}

	private static TaskSendException unavailable(List<TaskRequest> requests, Throwable ex) {
		String what = (requests.size() == 1) ? "task '" + requests.get(0).name() + "'" : requests.size() + " tasks";
		String reason = (ex instanceof DataAccessException dae) ? dae.getMostSpecificCause().getMessage()
				: ex.getMessage();
		return new TaskSendException("Could not send " + what + ": Redis is unavailable (" + reason
				+ "); nothing was queued", ex);
	}

	@Override
	public TaskStatus status(String id) {
		return info(id).status();
	}

	@Override
	public TaskInfo info(String id) {
		return find(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	@Override
	public Optional<TaskInfo> find(String id) {
		return this.backend.find(id);
	}

	@Override
	public <T> @Nullable T result(String id, Class<T> type) {
		return resultOf(info(id), type);
	}

	private <T> @Nullable T resultOf(TaskInfo info, Class<T> type) {
		if (info.status() == TaskStatus.FAILURE) {
			throw new TaskFailedException(info);
		}
		if (info.status() != TaskStatus.SUCCESS) {
			throw new TaskNotFinishedException(
					"Task '" + info.name() + "' (" + info.id() + ") has not finished; it is " + info.status());
		}
		if (info.result() == null) {
			return null;
		}
		try {
			return this.codec.getJsonMapper().readValue(info.result(), type);
		}
		catch (JacksonException ex) {
			throw new GTaskException("Result of task '" + info.name() + "' (" + info.id() + ") cannot be read as "
					+ type.getName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public TaskInfo awaitCompletion(String id, Duration timeout) {
		CompletableFuture<TaskInfo> future = whenFinished(id);
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			String state = find(id).map((info) -> "it is " + info.status()).orElse("it is no longer known");
			throw new TaskAwaitTimeoutException(
					"Task " + id + " did not finish within " + timeout.toMillis() + " ms; " + state, ex);
		}
		catch (InterruptedException ex) {
			future.cancel(false);
			Thread.currentThread().interrupt();
			throw new GTaskException("Interrupted while waiting for task " + id, ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new GTaskException("Waiting for task " + id + " failed", ex.getCause());
		}
	}

	@Override
	public <T> @Nullable T await(String id, Duration timeout, Class<T> type) {
		return resultOf(awaitCompletion(id, timeout), type);
	}

	@Override
	public CompletableFuture<TaskInfo> whenFinished(String id) {
		return this.backend.whenFinished(id);
	}

	@Override
	public <T> CompletableFuture<@Nullable T> resultAsync(String id, Class<T> type) {
		return whenFinished(id).thenApply((info) -> resultOf(info, type));
	}

}
