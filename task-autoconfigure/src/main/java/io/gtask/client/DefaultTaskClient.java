package io.gtask.client;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.StoredTask;
import io.gtask.broker.QueueAdmin;
import io.gtask.broker.TaskBroker;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskAwaitTimeoutException;
import io.gtask.core.TaskBatches;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFlows;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskProgress;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskNotFoundException;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.metrics.TaskOrigin;
import io.gtask.progress.ProgressStore;
import io.gtask.send.TaskSender;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.log.LogAccessor;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default {@link TaskClient}: sends tasks through a {@link TaskSender}, which records each
 * task as PENDING in the result backend before it queues its message, and reads them back from
 * the result backend.
 */
public class DefaultTaskClient implements TaskClient {

	private static final LogAccessor logger = new LogAccessor(DefaultTaskClient.class);

	private final TaskSender sender;

	private final TaskBroker broker;

	private final QueueAdmin queueAdmin;

	private final ResultBackend backend;

	private final TaskMessageCodec codec;

	private Clock clock = Clock.systemUTC();

	private volatile @Nullable TaskFlows flows;

	private volatile @Nullable TaskBatches batches;

	private volatile @Nullable ProgressStore progress;

	/**
	 * Create a client.
	 * @param sender the sender of tasks
	 * @param broker the broker, which cancels running tasks
	 * @param queueAdmin the queue administration of the broker, which revokes tasks
	 * @param backend the result backend the sender records tasks in
	 * @param codec the message codec
	 */
	public DefaultTaskClient(TaskSender sender, TaskBroker broker, QueueAdmin queueAdmin, ResultBackend backend,
			TaskMessageCodec codec) {
		this.sender = sender;
		this.broker = broker;
		this.queueAdmin = queueAdmin;
		this.backend = backend;
		this.codec = codec;
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
		return this.sender.send(Collections.singletonList(request)).get(0);
	}

	@Override
	public List<String> sendAll(List<TaskRequest> requests) {
		return this.sender.send(requests);
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
		Optional<TaskInfo> found = this.backend.find(id).map(this.codec::readInfo);
		ProgressStore progress = this.progress;
		if (found.isEmpty() || progress == null) {
			return found;
		}
		try {
			return found.map((info) -> info.withProgress(progress.read(id).orElse(null)));
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not read the progress of task " + id);
			return found;
		}
	}

	/**
	 * Read and follow the progress tasks report through this client from now on.
	 * @param progress where progress is kept
	 */
	public void setProgressStore(ProgressStore progress) {
		this.progress = progress;
	}

	@Override
	public AutoCloseable onProgress(String id, Consumer<TaskProgress> listener) {
		ProgressStore progress = this.progress;
		if (progress == null) {
			throw new GTaskException("Task progress is not kept: it lives beside gtask's Redis broker, and this "
					+ "application has a TaskBroker of its own or no Lettuce connection");
		}
		return progress.subscribe(TaskMessageRules.validId(id), listener);
	}

	@Override
	public <T> @Nullable T result(String id, Class<T> type) {
		return resultOf(info(id), type);
	}

	@Override
	public <T> @Nullable T result(String id, ParameterizedTypeReference<T> type) {
		return resultOf(info(id), type);
	}

	@Override
	public <T> @Nullable T await(String id, Duration timeout, ParameterizedTypeReference<T> type) {
		return resultOf(awaitCompletion(id, timeout), type);
	}

	@Override
	public <T> CompletableFuture<@Nullable T> resultAsync(String id, ParameterizedTypeReference<T> type) {
		return whenFinished(id).thenApply((info) -> resultOf(info, type));
	}

	/**
	 * Send and read batches through this client from now on.
	 * @param batches the batches
	 */
	public void setBatches(TaskBatches batches) {
		this.batches = batches;
	}

	@Override
	public TaskBatches batches() {
		TaskBatches batches = this.batches;
		if (batches == null) {
			throw new GTaskException("Batches are not available: they keep their state with gtask's Redis broker, "
					+ "and this application has a TaskBroker of its own or no Lettuce connection");
		}
		return batches;
	}

	/**
	 * Start and read flows through this client from now on.
	 * @param flows the flows
	 */
	public void setFlows(TaskFlows flows) {
		this.flows = flows;
	}

	@Override
	public TaskFlows flows() {
		TaskFlows flows = this.flows;
		if (flows == null) {
			throw new GTaskException("Flows are not available: they keep their state with gtask's Redis broker, "
					+ "and this application has a TaskBroker of its own or no Lettuce connection");
		}
		return flows;
	}

	@Override
	public void repush(String id) {
		if (!(this.backend instanceof DurableResultBackend durableBackend)) {
			throw new GTaskException("Task " + id + " cannot be sent again: the result backend "
					+ this.backend.getClass().getSimpleName() + " does not keep task messages; use durable mode "
					+ "(gtask.durable.enabled=true with gtask.backend.type=jdbc or mongo)");
		}
		StoredTask stored = durableBackend.findStored(id).orElseThrow(() -> new TaskNotFoundException(id));
		if (stored.payload() == null) {
			throw new GTaskException("Task " + id + " was recorded without its message (sent before durable mode "
					+ "or by a periodic schedule) and cannot be sent again");
		}
		TaskMessage message = this.codec.decode(stored.payload());
		this.sender.resend(List.of(new TaskSender.Resend(message.withAttempt(1))), TaskOrigin.REPUSH);
		logger.info(() -> "Sent task '" + stored.name() + "' (" + id + ") again, by request; it was " + stored.status());
	}

	@Override
	public boolean revoke(String id) {
		TaskInfo info = info(id);
		if (!this.backend.revoke(id, this.clock.instant())) {
			return false;
		}
		this.queueAdmin.revoke(info.queue(), id, this.clock.instant());
		// in case a worker fetched it just before: it must not run to its end
		this.broker.requestCancellation(id);
		return true;
	}

	@Override
	public boolean cancel(String id) {
		if (revoke(id)) {
			return true;
		}
		TaskInfo info = info(id);
		if (info.isFinished()) {
			return false;
		}
		this.broker.requestCancellation(id);
		return true;
	}

	private <T> @Nullable T resultOf(TaskInfo info, ParameterizedTypeReference<T> type) {
		JsonMapper mapper = this.codec.getJsonMapper();
		return TaskResults.read(info, mapper, mapper.getTypeFactory().constructType(type.getType()));
	}

	private <T> @Nullable T resultOf(TaskInfo info, Class<T> type) {
		JsonMapper mapper = this.codec.getJsonMapper();
		return TaskResults.read(info, mapper, mapper.constructType(type));
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
		return this.backend.whenFinished(id).thenApply(this.codec::readInfo);
	}

	@Override
	public <T> CompletableFuture<@Nullable T> resultAsync(String id, Class<T> type) {
		return whenFinished(id).thenApply((info) -> resultOf(info, type));
	}

}
