package io.gtask.backend.mongo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.mongodb.ErrorCategory;
import com.mongodb.bulk.BulkWriteError;
import io.gtask.backend.NewTask;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.TaskError;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskRevokedException;
import io.gtask.core.TaskStatus;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.BulkOperationException;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.BulkOperations.BulkMode;
import org.springframework.data.mongodb.core.FindAndReplaceOptions;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

import static io.gtask.backend.mongo.MongoTaskQueries.expired;
import static io.gtask.backend.mongo.MongoTaskQueries.live;
import static io.gtask.backend.mongo.MongoTaskQueries.revocable;
import static io.gtask.backend.mongo.TaskDocument.EXPIRES_AT;
import static io.gtask.backend.mongo.TaskDocument.date;

/**
 * The writes of the {@link MongoResultBackend}: new tasks, changes of state and revocation,
 * each atomic on its document, with the expiry date that every write sets and the handling of
 * documents that expired but are not deleted yet.
 */
final class MongoTaskWriter {

	private static final String REVOKED_MESSAGE = "Revoked before it started";

	/**
	 * Times a write that lost a race for a new document is tried again; each retry finds the
	 * document that won, so one retry is normally enough.
	 */
	private static final int MAX_INSERT_RACES = 3;

	private final MongoOperations mongo;

	private final String collection;

	private final Duration timeToLive;

	/**
	 * Create a writer.
	 * @param mongo the MongoDB operations
	 * @param collection the collection that holds the tasks
	 * @param timeToLive how long a task is kept after it ends
	 */
	MongoTaskWriter(MongoOperations mongo, String collection, Duration timeToLive) {
		this.mongo = mongo;
		this.collection = collection;
		this.timeToLive = timeToLive;
	}

	/**
	 * Record new tasks with one unordered bulk write; a document is only ever inserted, or
	 * replaces one that has expired.
	 * @return the ids of the exclusive tasks refused because a live document holds their id
	 */
	List<String> create(List<NewTask> tasks, Instant now, int maxHistory) {
		// a sent task is unfinished: it is kept until it ends
		Instant expiresAt = TaskDocument.NEVER;
		BulkOperations bulk = this.mongo.bulkOps(BulkMode.UNORDERED, this.collection);
		for (NewTask task : tasks) {
			bulk.replaceOne(expired(task.id(), now), TaskDocument.pending(task, now, expiresAt, maxHistory),
					FindAndReplaceOptions.options().upsert());
		}
		Set<Integer> known = new HashSet<>();
		try {
			bulk.execute();
		}
		catch (BulkOperationException ex) {
			if (ex.getErrors().isEmpty()) {
				throw ex;
			}
			for (BulkWriteError error : ex.getErrors()) {
				if (!isDuplicateKey(error)) {
					throw ex;
				}
				known.add(error.getIndex());
			}
		}
		List<String> refused = new ArrayList<>();
		for (int i = 0; i < tasks.size(); i++) {
			if (tasks.get(i).exclusive() && known.contains(i)) {
				refused.add(tasks.get(i).id());
			}
		}
		return refused;
	}

	/**
	 * Apply changes in order with one ordered bulk write of upserts that match only a live
	 * document; a change that meets an expired document deletes it and is written again as the
	 * first of a new task.
	 */
	void update(List<TaskStateChange> changes, Instant now, int maxHistory) {
		int from = 0;
		while (from < changes.size()) {
			BulkOperations bulk = this.mongo.bulkOps(BulkMode.ORDERED, this.collection);
			for (int i = from; i < changes.size(); i++) {
				TaskStateChange change = changes.get(i);
				bulk.upsert(live(change.id(), now), update(change, now, maxHistory));
			}
			try {
				bulk.execute();
				return;
			}
			catch (BulkOperationException ex) {
				// an ordered bulk write stops at its first error
				if (ex.getErrors().isEmpty() || !isDuplicateKey(ex.getErrors().get(0))) {
					throw ex;
				}
				BulkWriteError error = ex.getErrors().get(0);
				int failed = from + error.getIndex();
				TaskStateChange change = changes.get(failed);
				upsertFresh(change.id(), update(change, now, maxHistory), now);
				from = failed + 1;
			}
		}
	}

	/**
	 * Apply a change with one conditional update that matches only a live document with the
	 * state and the time of last change that were read.
	 * @return whether the document matched
	 */
	boolean updateIfUnchanged(StoredTask read, TaskStateChange change, Instant now, int maxHistory) {
		return this.mongo
			.updateFirst(MongoTaskQueries.unchanged(read, now), update(change, now, maxHistory), this.collection)
			.getMatchedCount() > 0;
	}

	/**
	 * Revoke with one conditional update that matches only a live task that is PENDING or
	 * waiting for a retry. With a history, the attempt number of its event is read first and
	 * the update also matches only that number.
	 * @return whether the task was revoked
	 */
	boolean revoke(String id, Instant at, Clock clock, int maxHistory) {
		TaskError error = new TaskError(TaskRevokedException.class.getName(), REVOKED_MESSAGE);
		for (int race = 1;; race++) {
			Instant now = clock.instant();
			Query query = revocable(id, now);
			Update update = new Update().set(TaskDocument.STATUS, TaskStatus.REVOKED.name())
				.set(TaskDocument.FINISHED_AT, date(at))
				.set(TaskDocument.ERROR_TYPE, error.type())
				.set(TaskDocument.ERROR_MESSAGE, error.message())
				.set(TaskDocument.UPDATED_AT, date(now))
				.set(EXPIRES_AT, date(now.plus(this.timeToLive)))
				.unset(TaskDocument.NEXT_ATTEMPT_AT);
			if (maxHistory > 0) {
				Query current = revocable(id, now);
				current.fields().include(TaskDocument.ATTEMPTS);
				Document found = this.mongo.findOne(current, Document.class, this.collection);
				if (found == null) {
					return false;
				}
				Object attempts = found.get(TaskDocument.ATTEMPTS);
				query.addCriteria(Criteria.where(TaskDocument.ATTEMPTS).is(attempts));
				int attempt = (attempts instanceof Number number) ? number.intValue() : 0;
				TaskDocument.pushEvents(update, List.of(new TaskEvent(TaskStatus.REVOKED, at, attempt, error)),
						maxHistory);
			}
			if (this.mongo.updateFirst(query, update, this.collection).getModifiedCount() == 1) {
				return true;
			}
			if (maxHistory == 0 || race == MAX_INSERT_RACES) {
				return false;
			}
		}
	}

	/**
	 * Delete the document of a task, live or not.
	 */
	void delete(String id) {
		this.mongo.remove(MongoTaskQueries.any(id), this.collection);
	}

	private Update update(TaskStateChange change, Instant now, int maxHistory) {
		return TaskDocument.update(change, now, expiresAt(change, now), maxHistory);
	}

	/**
	 * When the document of a task expires after a change: the time to live counts from the
	 * task's end, so an unfinished task never expires.
	 */
	private Instant expiresAt(TaskStateChange change, Instant now) {
		return change.status().isFinished() ? now.plus(this.timeToLive) : TaskDocument.NEVER;
	}

	private void upsertFresh(String id, Update update, Instant now) {
		for (int attempt = 1;; attempt++) {
			this.mongo.remove(expired(id, now), this.collection);
			try {
				this.mongo.upsert(live(id, now), update, this.collection);
				return;
			}
			catch (DuplicateKeyException ex) {
				// another writer inserted the document meanwhile: the next upsert updates it
				if (attempt == MAX_INSERT_RACES) {
					throw ex;
				}
			}
		}
	}

	private static boolean isDuplicateKey(BulkWriteError error) {
		return ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY;
	}

}
