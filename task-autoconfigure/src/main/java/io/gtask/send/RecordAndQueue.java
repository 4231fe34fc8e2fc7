package io.gtask.send;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.gtask.backend.NewTask;
import io.gtask.backend.ResultBackend;
import io.gtask.broker.OutgoingTask;
import io.gtask.broker.TaskBroker;
import io.gtask.core.QueueKeyTypeException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;

/**
 * Writes new tasks: records each one, then queues its message, so that a queued task always
 * has its record, and says truthfully what became of them when that fails.
 * <p>
 * Three ways, by what the send allows:
 * <ul>
 * <li>durable mode: the record, with the message, is what counts; a task recorded is sent,
 * and the reaper queues it if Redis cannot take it now;</li>
 * <li>tasks with generated ids and no uniqueness key, when a {@link SendPipeline} is set: the
 * records and messages are written in one round trip, each record before its message;</li>
 * <li>otherwise, the checked way: the records are written and confirmed (caller-chosen ids
 * only if unknown), and only then are the messages queued.</li>
 * </ul>
 */
final class RecordAndQueue {

	private static final LogAccessor logger = new LogAccessor(RecordAndQueue.class);

	private final TaskBroker broker;

	private final ResultBackend backend;

	private boolean durable;

	private @Nullable SendPipeline pipeline;

	RecordAndQueue(TaskBroker broker, ResultBackend backend) {
		this.broker = broker;
		this.backend = backend;
	}

	void setDurable(boolean durable) {
		this.durable = durable;
	}

	boolean isDurable() {
		return this.durable;
	}

	void setPipeline(@Nullable SendPipeline pipeline) {
		this.pipeline = pipeline;
	}

	/**
	 * Record tasks and queue their messages.
	 * @return which ids were refused as in use, and for each task the id of the task holding
	 * its uniqueness key, if one did
	 */
	Queued write(List<NewTask> records, List<OutgoingTask> messages) {
		if (this.durable) {
			List<String> refused = recorded(records);
			return new Queued(refused, enqueueRecorded(messages, refused));
		}
		if (this.pipeline != null && writableTogether(records, messages)) {
			writeTogether(this.pipeline, records, messages);
			return new Queued(List.of(), Collections.nCopies(messages.size(), null));
		}
		// recorded first, queued only then: a queued task always has its record
		List<String> refused = recordOrForget(records, messages);
		List<OutgoingTask> accepted = without(messages, refused);
		List<@Nullable String> acceptedHolders = enqueue(names(records), accepted, true);
		return new Queued(refused, spread(messages, refused, acceptedHolders));
	}

	private static boolean writableTogether(List<NewTask> records, List<OutgoingTask> messages) {
		for (int i = 0; i < records.size(); i++) {
			if (records.get(i).exclusive() || messages.get(i).uniqueKey() != null) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Write records and messages in one round trip. When Redis answers with an error to
	 * queueing a message, that command did nothing: the task was not queued, and its record,
	 * written in the same round trip, is deleted (or expires, if the delete fails too). A
	 * record refused while its message was queued is written again by the checked script.
	 */
	private void writeTogether(SendPipeline pipeline, List<NewTask> records, List<OutgoingTask> messages) {
		CompletableFuture<List<SendPipeline.Written>> future = pipeline.write(records, messages);
		// a future failed before write returned: the commands were never written
		boolean notWritten = future.isCompletedExceptionally();
		List<SendPipeline.Written> written;
		try {
			written = future.join();
		}
		catch (CompletionException ex) {
			Throwable cause = ex.getCause();
			if (notWritten && cause instanceof RedisConnectionFailureException) {
				throw SendFailures.unavailable(names(records), cause);
			}
			throw SendFailures.writtenTogetherOutcomeUnknown(names(records), ids(records), cause);
		}
		List<String> notQueued = new ArrayList<>();
		List<OutgoingTask> recordedOnly = new ArrayList<>();
		List<NewTask> queuedOnly = new ArrayList<>();
		Throwable refusal = null;
		for (int i = 0; i < written.size(); i++) {
			SendPipeline.Written answer = written.get(i);
			if (answer.queueRefused() != null) {
				refusal = (refusal != null) ? refusal : answer.queueRefused();
				notQueued.add(messages.get(i).id());
				if (answer.recordRefused() == null) {
					recordedOnly.add(messages.get(i));
				}
			}
			else if (answer.recordRefused() != null) {
				queuedOnly.add(records.get(i));
			}
		}
		recordAgain(queuedOnly);
		if (refusal != null) {
			forget(recordedOnly);
			throw SendFailures.refused(names(records), messages.size(), notQueued, refusal);
		}
	}

	/**
	 * Write again, with the checked script, the records of tasks that were queued although
	 * their records were refused: they run either way, and a worker's first change would
	 * record them.
	 */
	private void recordAgain(List<NewTask> unrecorded) {
		if (unrecorded.isEmpty()) {
			return;
		}
		try {
			this.backend.create(unrecorded).join();
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> unrecorded.size() + " task(s) were queued but could not be recorded (" + ids(unrecorded)
					+ "); they run, and are known by id once a worker starts them");
		}
	}

	/**
	 * Record tasks in a durable backend; if it refuses, nothing is queued. When the write may
	 * have happened without its answer arriving (a timeout, a connection lost during the
	 * statement), the record, if it was written, is queued by the reaper: the caller is told that
	 * the outcome is unknown, with the ids.
	 */
	List<String> recorded(List<NewTask> records) {
		try {
			return record(records).join();
		}
		catch (CompletionException ex) {
			Throwable cause = ex.getCause();
			// no connection at all: nothing was written (by name, as spring-jdbc is optional)
			if (cause.getClass().getName().equals("org.springframework.jdbc.CannotGetJdbcConnectionException")
					|| (cause instanceof NonTransientDataAccessException
							&& !(cause instanceof DataAccessResourceFailureException))
					|| !(cause instanceof DataAccessException dataAccess)) {
				throw SendFailures.notRecorded(this.backend, names(records), cause);
			}
			throw SendFailures.recordOutcomeUnknown(names(records), ids(records), dataAccess);
		}
	}

	/**
	 * Queue tasks already recorded by a durable backend. If Redis cannot take them, they stay
	 * recorded and the reaper queues them later, so the send still succeeds.
	 */
	List<@Nullable String> enqueueRecorded(List<OutgoingTask> messages, List<String> refused) {
		List<OutgoingTask> accepted = without(messages, refused);
		List<@Nullable String> acceptedHolders;
		try {
			acceptedHolders = this.broker.enqueue(accepted).join();
		}
		catch (CompletionException ex) {
			logger.warn(() -> "Recorded " + accepted.size() + " task(s) but could not queue them ("
					+ ex.getCause().getMessage() + "); the reaper will queue them once Redis answers");
			acceptedHolders = new ArrayList<>(Collections.nCopies(accepted.size(), null));
		}
		return spread(messages, refused, acceptedHolders);
	}

	/**
	 * Record tasks before their messages are queued. If the record cannot be written, nothing
	 * is queued; a record whose write may have happened (Redis did not answer in time) is
	 * deleted if its id was generated, since its task will never be queued.
	 */
	private List<String> recordOrForget(List<NewTask> records, List<OutgoingTask> messages) {
		try {
			return record(records).join();
		}
		catch (CompletionException ex) {
			// a caller-chosen id may be another task's: only generated ids are surely this send's
			List<OutgoingTask> generated = new ArrayList<>();
			for (int i = 0; i < records.size(); i++) {
				if (!records.get(i).exclusive()) {
					generated.add(messages.get(i));
				}
			}
			forget(generated);
			throw SendFailures.notRecorded(this.backend, names(records), ex.getCause());
		}
	}

	/**
	 * Queue tasks that are recorded. When Redis refuses the commands before writing them (the
	 * connection is down) or refuses them for a key of the wrong type, nothing was queued, and
	 * the records of new tasks are deleted. When it fails after they were written (no answer in
	 * time, a connection that broke meanwhile), the tasks may be queued: their records are kept
	 * and the caller is told that the outcome is unknown, with the ids of the tasks.
	 * @param names the names of all tasks of the send
	 * @param accepted the recorded tasks
	 * @param forget whether to delete the records of tasks not queued (new tasks), or keep
	 * them (tasks sent again, whose records are theirs)
	 * @return for each task, {@code null} when it was queued, else the id of the task that
	 * holds its uniqueness key
	 */
	List<@Nullable String> enqueue(List<String> names, List<OutgoingTask> accepted, boolean forget) {
		CompletableFuture<List<@Nullable String>> queued = this.broker.enqueue(accepted);
		// a future failed before enqueue returned: the commands were never written
		boolean notWritten = queued.isCompletedExceptionally();
		try {
			return queued.join();
		}
		catch (CompletionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof QueueKeyTypeException wrongType && !wrongType.getNotQueued().isEmpty()) {
				// Redis refused the commands on a key of another type: those tasks were surely not queued
				if (forget) {
					forget(accepted.stream().filter((task) -> wrongType.getNotQueued().contains(task.id())).toList());
				}
				throw SendFailures.refused(names, accepted.size(), wrongType.getNotQueued(), wrongType);
			}
			if (notWritten && cause instanceof RedisConnectionFailureException) {
				if (forget) {
					forget(accepted);
				}
				throw SendFailures.unavailable(names, cause);
			}
			throw SendFailures.outcomeUnknown(names, messageIds(accepted), cause);
		}
	}

	/**
	 * Forget the records of tasks that were not queued.
	 */
	void forget(List<OutgoingTask> messages) {
		for (OutgoingTask message : messages) {
			try {
				this.backend.delete(message.id());
			}
			catch (RuntimeException ignored) {
				// the backend is away: with Redis, a PENDING record expires by itself (see
				// RedisResultBackend); a database is rarely away when Redis is
			}
		}
	}

	/**
	 * Record tasks in the backend; a backend that fails at once (a database that refuses the
	 * connection) fails the future rather than the caller's thread.
	 */
	private CompletableFuture<List<String>> record(List<NewTask> records) {
		try {
			return this.backend.create(records);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private static List<OutgoingTask> without(List<OutgoingTask> messages, List<String> refused) {
		if (refused.isEmpty()) {
			return messages;
		}
		Set<String> ids = new HashSet<>(refused);
		return messages.stream().filter((message) -> !ids.contains(message.id())).toList();
	}

	/**
	 * The holders of all messages, from those of the accepted ones.
	 */
	private static List<@Nullable String> spread(List<OutgoingTask> messages, List<String> refused,
			List<@Nullable String> acceptedHolders) {
		if (refused.isEmpty()) {
			return acceptedHolders;
		}
		List<@Nullable String> holders = new ArrayList<>(messages.size());
		int next = 0;
		for (OutgoingTask message : messages) {
			holders.add(refused.contains(message.id()) ? null : acceptedHolders.get(next++));
		}
		return holders;
	}

	static List<String> names(List<NewTask> records) {
		return records.stream().map(NewTask::name).toList();
	}

	private static List<String> ids(List<NewTask> records) {
		return records.stream().map(NewTask::id).toList();
	}

	private static List<String> messageIds(List<OutgoingTask> messages) {
		return messages.stream().map(OutgoingTask::id).toList();
	}

	/**
	 * What became of a write.
	 *
	 * @param refused the caller-chosen ids that were in use, whose tasks were not queued
	 * @param holders one per task: the id of the task that holds its uniqueness key, or
	 * {@code null} when it was queued or refused
	 */
	record Queued(List<String> refused, List<@Nullable String> holders) {
	}

}
