package io.gtask.send;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToIntFunction;

import io.gtask.backend.NewTask;
import io.gtask.broker.OutgoingTask;
import io.gtask.core.PayloadTooLargeException;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskVersion;
import io.gtask.observation.TaskObservations;
import io.gtask.observation.TaskSendContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ArrayNode;

/**
 * Turns what is to be sent into {@link PreparedTask prepared tasks}: routes it, checks it by the
 * {@link TaskMessageRules}, writes the version of its task name into its headers, starts the observation of its send (which writes the trace context
 * into the message's headers), works out its uniqueness key, encodes it and checks its size.
 */
final class SendPreparer {

	private final TaskMessageCodec codec;

	private final TaskRouter router;

	private final DataSize maxPayloadSize;

	private boolean storeArguments = true;

	private ToIntFunction<String> versions = (name) -> TaskVersion.FIRST;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	SendPreparer(TaskMessageCodec codec, TaskRouter router, DataSize maxPayloadSize) {
		this.codec = codec;
		this.router = router;
		this.maxPayloadSize = maxPayloadSize;
	}

	void setStoreArguments(boolean storeArguments) {
		this.storeArguments = storeArguments;
	}

	boolean isStoreArguments() {
		return this.storeArguments;
	}

	void setVersions(ToIntFunction<String> versions) {
		this.versions = versions;
	}

	void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Prepare a new task.
	 * @param request what to send
	 * @param now the time of the send
	 * @param headers headers of the message besides those of the send itself
	 * @param exclusive whether recording must fail when the id is known already
	 * @param keepPayload whether the record keeps the message (durable mode)
	 */
	PreparedTask prepare(TaskRequest request, Instant now, Map<String, String> headers, boolean exclusive,
			boolean keepPayload) {
		String id = (request.id() != null) ? request.id() : UUID.randomUUID().toString();
		String queue = this.router.queueOf(request.name(), request.queue());
		Instant due = (request.eta() != null && request.eta().isAfter(now)) ? request.eta() : null;
		Map<String, String> allHeaders = new HashMap<>(headers.size() + 4);
		allHeaders.putAll(headers);
		if (due != null) {
			allHeaders.put(TaskMessage.DUE_HEADER, Long.toString(due.toEpochMilli()));
		}
		String version = TaskVersion.header(this.versions.applyAsInt(request.name()));
		if (version != null) {
			allHeaders.putIfAbsent(TaskVersion.HEADER, version);
		}
		Observation observation = observe(id, request.name(), queue, allHeaders);
		try {
			ArrayNode args = args(request);
			String uniqueKey = uniqueKey(request, args);
			byte[] payload = encode(request, id, queue, now, args, uniqueKey, allHeaders);
			NewTask record = new NewTask(id, request.name(), queue, now, exclusive, keepPayload ? payload : null, due,
					this.storeArguments ? this.codec.writeArgs(id, args) : null);
			OutgoingTask message = new OutgoingTask(queue, id, payload, due, request.priority(), uniqueKey,
					request.uniqueFor(), request.group());
			return new PreparedTask(record, message, request.name(), request.onDuplicate(), observation);
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			observation.stop();
			throw ex;
		}
	}

	/**
	 * Prepare a recorded task to be sent again with the message given, held to the rules a
	 * worker applies to what it reads, since the message may have been re-encoded.
	 * @throws io.gtask.core.MalformedTaskMessageException if the message breaks them
	 */
	PreparedTask prepareAgain(TaskMessage message) {
		Map<String, String> headers = new HashMap<>(message.headers());
		// a task sent again waits a full window for a worker of its version
		headers.remove(TaskVersion.HANDED_BACK_HEADER);
		Observation observation = observe(message.id(), message.name(), message.queue(), headers);
		try {
			TaskMessage sent = headers.equals(message.headers()) ? message
					: new TaskMessage(message.id(), message.name(), message.queue(), message.args(), message.attempt(),
							message.maxRetries(), message.timeoutMillis(), message.backoffMillis(),
							message.createdAt(), headers, message.priority(), message.expiresAt(), message.uniqueKey(),
							message.group());
			byte[] payload = this.codec.encode(sent);
			TaskMessageRules.checkReceived(sent, message.queue(), payload.length, this.maxPayloadSize);
			return new PreparedTask(null,
					new OutgoingTask(message.queue(), message.id(), payload, null, message.priority(), null, null,
							message.group()),
					message.name(), TaskRequest.OnDuplicate.FAIL, observation);
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			observation.stop();
			throw ex;
		}
	}

	/**
	 * Start the observation of sending one task, which writes the trace context into the
	 * headers of its message.
	 */
	private Observation observe(String id, String name, String queue, Map<String, String> headers) {
		return Observation
			.createNotStarted(TaskObservations.SEND, () -> new TaskSendContext(id, name, queue, headers),
					this.observationRegistry)
			.contextualName(queue + " send")
			.lowCardinalityKeyValue(TaskObservations.TASK, name)
			.lowCardinalityKeyValue(TaskObservations.QUEUE, queue)
			.highCardinalityKeyValue(TaskObservations.TASK_ID, id)
			.start();
	}

	private ArrayNode args(TaskRequest request) {
		try {
			return this.codec.toArgs(request.args());
		}
		catch (JacksonException ex) {
			throw new TaskSendException(
					"Arguments of task '" + request.name() + "' cannot be written as JSON: " + ex.getOriginalMessage(),
					ex);
		}
	}

	private @Nullable String uniqueKey(TaskRequest request, ArrayNode args) {
		if (request.uniqueKey() == null) {
			return null;
		}
		if (!request.uniqueKey().isEmpty()) {
			return request.uniqueKey();
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(this.codec.getJsonMapper().writeValueAsBytes(args));
			return request.name() + ":" + HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	private byte[] encode(TaskRequest request, String id, String queue, Instant now, ArrayNode args,
			@Nullable String uniqueKey, Map<String, String> headers) {
		// a request built without its builder keeps the same rules as the worker does
		TaskMessageRules.validId(id);
		TaskMessageRules.validName(request.name());
		if (request.group() != null) {
			TaskMessageRules.validGroup(request.group());
		}
		TaskMessage message = new TaskMessage(id, request.name(), queue, args, 1, request.maxRetries(),
				(request.timeout() != null) ? request.timeout().toMillis() : null,
				(request.backoff() != null) ? request.backoff().toMillis() : null, now.toEpochMilli(), headers,
				request.priority(), (request.expiresAt() != null) ? request.expiresAt().toEpochMilli() : null,
				uniqueKey, request.group());
		byte[] payload = this.codec.encode(message);
		String tooLarge = TaskMessageRules.sizeProblem(payload.length, this.maxPayloadSize);
		if (tooLarge != null) {
			throw new PayloadTooLargeException("Task '" + request.name() + "' is " + tooLarge + "; it was not sent");
		}
		return payload;
	}

}
