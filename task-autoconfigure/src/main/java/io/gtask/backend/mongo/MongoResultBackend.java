package io.gtask.backend.mongo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.mongodb.ErrorCategory;
import com.mongodb.bulk.BulkWriteError;
import io.gtask.backend.CompletionPoller;
import io.gtask.backend.NewTask;
import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskHistory;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.TaskError;
import io.gtask.core.TaskEvent;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRevokedException;
import io.gtask.core.TaskStatus;
import io.gtask.lifecycle.AbstractSmartLifecycle;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.BulkOperationException;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.BulkOperations.BulkMode;
import org.springframework.data.mongodb.core.FindAndReplaceOptions;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.util.Assert;

import static io.gtask.backend.mongo.TaskDocument.EXPIRES_AT;
import static io.gtask.backend.mongo.TaskDocument.ID;
import static io.gtask.backend.mongo.TaskDocument.date;

/**
 * A {@link ResultBackend} that keeps each task in a document of one MongoDB collection, through
 * Spring Data MongoDB's {@link MongoOperations}.
 * <p>
 * Each document carries the date it expires at, set by every write: the time to live after a
 * write that finishes the task, and {@link TaskDocument#NEVER} after one that leaves it
 * unfinished, so that a task waiting for a long countdown, a paused queue or a backlog is never
 * forgotten before it ends. A TTL index on it lets
 * MongoDB delete expired documents, but its monitor runs only about once a minute, so every read
 * and write also treats a document whose date has passed as absent. Each write is atomic on its
 * document; a batch is one bulk write. Callers that wait for tasks are served by polling: one
 * query per poll interval reads all waited tasks.
 * <p>
 * Times are taken from the backend's {@link java.time.Clock} (the system clock unless set), not from the
 * server, so instances should keep their clocks in step with each other to well within
 * {@code gtask.result.ttl}.
 */
public class MongoResultBackend extends AbstractSmartLifecycle implements DurableResultBackend, DisposableBean {

	/**
	 * The collection used unless another is configured.
	 */
	public static final String DEFAULT_COLLECTION = "gtask_tasks";

	private static final String REVOKED_MESSAGE = "Revoked before it started";

	/**
	 * Times a write that lost a race for a new document is tried again; each retry finds the
	 * document that won, so one retry is normally enough.
	 */
	private static final int MAX_INSERT_RACES = 3;

	/**
	 * Most ids in one query, well below MongoDB's 16 MB command size for any id length.
	 */
	private static final int MAX_IDS_PER_QUERY = 1000;

	private final MongoOperations mongo;

	private final String collection;

	private final Duration timeToLive;

	private final CompletionPoller poller;

	private boolean createIndexes = true;

	private int maxHistory = TaskHistory.DEFAULT_MAX_HISTORY;

	/**
	 * Create a backend.
	 * @param mongo the MongoDB operations, usually the application's {@code MongoTemplate}
	 * @param collection the collection that holds the tasks
	 * @param timeToLive how long a task is kept after it ends (an unfinished task is kept until it ends)
	 * @param pollInterval how often the states of tasks that callers wait for are read
	 */
	public MongoResultBackend(MongoOperations mongo, String collection, Duration timeToLive, Duration pollInterval) {
		// starts before the consumer container, like the Redis backend
		super(STORE_PHASE);
		this.mongo = mongo;
		this.collection = collection;
		this.timeToLive = timeToLive;
		this.poller = new CompletionPoller("gtask-result-", this::findLive, pollInterval, MAX_IDS_PER_QUERY);
	}

	/**
	 * Set whether {@link #start()} creates the collection's indexes (the default). Turn it off
	 * where the application may not create indexes and they are created otherwise.
	 * @param createIndexes whether to create the indexes
	 */
	public void setCreateIndexes(boolean createIndexes) {
		this.createIndexes = createIndexes;
	}

	/**
	 * Set how many of a task's latest events its history keeps, {@code 0} for none. Each
	 * write adds its events with {@code $push} and {@code $slice}, in the same update.
	 * @param maxHistory the number of events
	 */
	public void setMaxHistory(int maxHistory) {
		Assert.isTrue(maxHistory >= 0, "Max history must not be negative");
		this.maxHistory = maxHistory;
	}

	/**
	 * How many of a task's latest events its history keeps.
	 * @return the number of events
	 */
	public int getMaxHistory() {
		return this.maxHistory;
	}

	/**
	 * The collection that holds the tasks.
	 * @return the collection name
	 */
	public String getCollection() {
		return this.collection;
	}

	/**
	 * How long a task is kept after its last change.
	 * @return the time to live
	 */
	public Duration getTimeToLive() {
		return this.timeToLive;
	}

	/**
	 * Record new tasks with one unordered bulk write. A document is only ever inserted, or
	 * replaces one that has expired; an id held by a live document makes the insert fail with a
	 * duplicate key, which refuses the task. The write is done before this method returns, and
	 * a failure to write is thrown rather than returned in the future, so that a sender never
	 * queues the message of a task it did not record.
	 */
	@Override
	public CompletableFuture<List<String>> create(List<NewTask> tasks) {
		if (tasks.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		Instant now = getClock().instant();
		// a sent task is unfinished: it is kept until it ends
		Instant expiresAt = TaskDocument.NEVER;
		BulkOperations bulk = this.mongo.bulkOps(BulkMode.UNORDERED, this.collection);
		for (NewTask task : tasks) {
			bulk.replaceOne(expired(task.id(), now), TaskDocument.pending(task, now, expiresAt, this.maxHistory),
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
		return CompletableFuture.completedFuture(refused);
	}

	/**
	 * Apply changes in order with one ordered bulk write of upserts. The filter of each matches
	 * only a live document; when the document has expired but is not deleted yet, the upsert
	 * fails with a duplicate key, the expired document is deleted and the change written again
	 * as the first of a new task, as Redis would after the key expired.
	 */
	@Override
	public void update(List<TaskStateChange> changes) {
		if (changes.isEmpty()) {
			return;
		}
		Instant now = getClock().instant();
		int from = 0;
		while (from < changes.size()) {
			BulkOperations bulk = this.mongo.bulkOps(BulkMode.ORDERED, this.collection);
			for (int i = from; i < changes.size(); i++) {
				TaskStateChange change = changes.get(i);
				bulk.upsert(live(change.id(), now),
						TaskDocument.update(change, now, expiresAt(change, now), this.maxHistory));
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
				upsertFresh(change.id(), TaskDocument.update(change, now, expiresAt(change, now), this.maxHistory),
						now);
				from = failed + 1;
			}
		}
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

	@Override
	public List<StoredTask> findStale(Instant olderThan, @Nullable StoredTask after, int limit) {
		Criteria criteria = Criteria.where(TaskDocument.STATUS)
			.in(TaskStatus.PENDING.name(), TaskStatus.STARTED.name(), TaskStatus.RETRY.name())
			.and(EXPIRES_AT)
			.gt(date(getClock().instant()))
			.and(TaskDocument.PAYLOAD)
			.exists(true)
			.orOperator(Criteria.where(TaskDocument.DUE_AT).exists(false), Criteria.where(TaskDocument.DUE_AT)
				.lt(date(olderThan)));
		if (after != null) {
			criteria = new Criteria().andOperator(criteria,
					new Criteria().orOperator(Criteria.where(TaskDocument.UPDATED_AT).gt(date(after.updatedAt())),
							Criteria.where(TaskDocument.UPDATED_AT).is(date(after.updatedAt())).and(ID).gt(after.id())),
					Criteria.where(TaskDocument.UPDATED_AT).lt(date(olderThan)));
		}
		else {
			criteria = new Criteria().andOperator(criteria, Criteria.where(TaskDocument.UPDATED_AT).lt(date(olderThan)));
		}
		Query query = Query.query(criteria)
			.with(Sort.by(Sort.Direction.ASC, TaskDocument.UPDATED_AT).and(Sort.by(Sort.Direction.ASC, ID)))
			.limit(limit);
		return this.mongo.find(query, Document.class, this.collection).stream().map(TaskDocument::toStored).toList();
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * One conditional update, which matches only a live document with the state and the time of
	 * last change that were read.
	 */
	@Override
	public boolean updateIfUnchanged(StoredTask read, TaskStateChange change) {
		Assert.isTrue(read.id().equals(change.id()), "A change applies to the task that was read");
		Instant now = getClock().instant();
		Query query = live(read.id(), now);
		query.addCriteria(Criteria.where(TaskDocument.STATUS).is(read.status().name())
			.and(TaskDocument.UPDATED_AT)
			.is(date(read.updatedAt())));
		return this.mongo
			.updateFirst(query, TaskDocument.update(change, now, expiresAt(change, now), this.maxHistory),
					this.collection)
			.getMatchedCount() > 0;
	}

	@Override
	public Optional<StoredTask> findStored(String id) {
		Document document = this.mongo.findOne(live(id, getClock().instant()), Document.class, this.collection);
		return Optional.ofNullable(document).map(TaskDocument::toStored);
	}

	@Override
	public Optional<TaskInfo> find(String id) {
		Query query = live(id, getClock().instant());
		query.fields().exclude(TaskDocument.PAYLOAD);
		Document document = this.mongo.findOne(query, Document.class, this.collection);
		return Optional.ofNullable(document).map((found) -> TaskDocument.toInfo(found, this.maxHistory));
	}

	private Map<String, TaskInfo> findLive(List<String> ids) {
		Query query = Query
			.query(Criteria.where(ID).in(ids).and(EXPIRES_AT).gt(date(getClock().instant())));
		query.fields().exclude(TaskDocument.PAYLOAD);
		Map<String, TaskInfo> found = new HashMap<>();
		for (Document document : this.mongo.find(query, Document.class, this.collection)) {
			TaskInfo info = TaskDocument.toInfo(document, this.maxHistory);
			found.put(info.id(), info);
		}
		return found;
	}

	@Override
	public void delete(String id) {
		this.mongo.remove(Query.query(Criteria.where(ID).is(id)), this.collection);
	}

	/**
	 * Revoke with one conditional update: it matches only a live task that is PENDING or
	 * waiting for a retry, so a task that started meanwhile is left alone. When a history is
	 * kept, the attempt number of its event is read first, and the update also matches only
	 * that number, so that the event never tells another attempt than the one revoked.
	 */
	@Override
	public boolean revoke(String id, Instant at) {
		TaskError error = new TaskError(TaskRevokedException.class.getName(), REVOKED_MESSAGE);
		for (int race = 1;; race++) {
			Instant now = getClock().instant();
			Query query = revocable(id, now);
			Update update = new Update().set(TaskDocument.STATUS, TaskStatus.REVOKED.name())
				.set(TaskDocument.FINISHED_AT, date(at))
				.set(TaskDocument.ERROR_TYPE, error.type())
				.set(TaskDocument.ERROR_MESSAGE, error.message())
				.set(TaskDocument.UPDATED_AT, date(now))
				.set(EXPIRES_AT, date(now.plus(this.timeToLive)))
				.unset(TaskDocument.NEXT_ATTEMPT_AT);
			if (this.maxHistory > 0) {
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
						this.maxHistory);
			}
			if (this.mongo.updateFirst(query, update, this.collection).getModifiedCount() == 1) {
				return true;
			}
			if (this.maxHistory == 0 || race == MAX_INSERT_RACES) {
				return false;
			}
		}
	}

	/**
	 * A future completed when the task is read in a final state, or exceptionally with
	 * {@link io.gtask.core.TaskNotFoundException} when it is unknown or expired. Cancelling the
	 * future stops reading the task.
	 */
	@Override
	public CompletableFuture<TaskInfo> whenFinished(String id) {
		return this.poller.whenFinished(id);
	}

	private static Query revocable(String id, Instant now) {
		return live(id, now).addCriteria(
				Criteria.where(TaskDocument.STATUS).in(TaskStatus.PENDING.name(), TaskStatus.RETRY.name()));
	}

	private static Query live(String id, Instant now) {
		return Query.query(Criteria.where(ID).is(id).and(EXPIRES_AT).gt(date(now)));
	}

	private static Query expired(String id, Instant now) {
		return Query.query(Criteria.where(ID).is(id).and(EXPIRES_AT).lte(date(now)));
	}

	private static boolean isDuplicateKey(BulkWriteError error) {
		return ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY;
	}

	/**
	 * Create the indexes, unless turned off: a TTL index on the expiry date, with which MongoDB
	 * deletes expired tasks, and one on state and last change, for queries by state.
	 * Creating an index that exists already does nothing.
	 */
	@Override
	protected void doStart() {
		if (this.createIndexes) {
			IndexOperations indexes = this.mongo.indexOps(this.collection);
			indexes.createIndex(new Index().on(EXPIRES_AT, Sort.Direction.ASC).expire(Duration.ZERO));
			indexes.createIndex(new Index().on(TaskDocument.STATUS, Sort.Direction.ASC)
				.on(TaskDocument.UPDATED_AT, Sort.Direction.ASC));
		}
	}

	@Override
	protected void doStop() {
	}

	/**
	 * Stop polling; callers still waiting get an exception rather than waiting forever.
	 */
	@Override
	public void destroy() {
		this.poller.close();
	}

	/**
	 * Number of tasks callers wait for, for tests.
	 */
	int awaitedTaskCount() {
		return this.poller.awaitedTaskCount();
	}

}
