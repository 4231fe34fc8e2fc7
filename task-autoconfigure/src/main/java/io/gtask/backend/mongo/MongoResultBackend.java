package io.gtask.backend.mongo;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.gtask.backend.CompletionPoller;
import io.gtask.backend.NewTask;
import io.gtask.backend.DurableResultBackend;
import io.gtask.backend.ResultBackend;
import io.gtask.backend.StoredTask;
import io.gtask.backend.TaskHistory;
import io.gtask.backend.TaskStateChange;
import io.gtask.core.TaskInfo;
import io.gtask.lifecycle.AbstractSmartLifecycle;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.index.IndexOperations;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.util.Assert;

import static io.gtask.backend.mongo.TaskDocument.EXPIRES_AT;

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

	/**
	 * Most ids in one query, well below MongoDB's 16 MB command size for any id length.
	 */
	private static final int MAX_IDS_PER_QUERY = 1000;

	private final MongoOperations mongo;

	private final String collection;

	private final Duration timeToLive;

	private final MongoTaskWriter writer;

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
		this.writer = new MongoTaskWriter(mongo, collection, timeToLive);
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
		return CompletableFuture.completedFuture(this.writer.create(tasks, getClock().instant(), this.maxHistory));
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
		this.writer.update(changes, getClock().instant(), this.maxHistory);
	}

	@Override
	public List<StoredTask> findStale(Instant olderThan, @Nullable StoredTask after, int limit) {
		Query query = MongoTaskQueries.stale(olderThan, after, limit, getClock().instant());
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
		return this.writer.updateIfUnchanged(read, change, getClock().instant(), this.maxHistory);
	}

	@Override
	public Optional<StoredTask> findStored(String id) {
		Document document = this.mongo.findOne(MongoTaskQueries.live(id, getClock().instant()), Document.class,
				this.collection);
		return Optional.ofNullable(document).map(TaskDocument::toStored);
	}

	@Override
	public Optional<TaskInfo> find(String id) {
		Document document = this.mongo.findOne(MongoTaskQueries.liveInfo(id, getClock().instant()), Document.class,
				this.collection);
		return Optional.ofNullable(document).map((found) -> TaskDocument.toInfo(found, this.maxHistory));
	}

	private Map<String, TaskInfo> findLive(List<String> ids) {
		Query query = MongoTaskQueries.liveInfos(ids, getClock().instant());
		Map<String, TaskInfo> found = new HashMap<>();
		for (Document document : this.mongo.find(query, Document.class, this.collection)) {
			TaskInfo info = TaskDocument.toInfo(document, this.maxHistory);
			found.put(info.id(), info);
		}
		return found;
	}

	@Override
	public void delete(String id) {
		this.writer.delete(id);
	}

	/**
	 * Revoke with one conditional update: it matches only a live task that is PENDING or
	 * waiting for a retry, so a task that started meanwhile is left alone. When a history is
	 * kept, the attempt number of its event is read first, and the update also matches only
	 * that number, so that the event never tells another attempt than the one revoked.
	 */
	@Override
	public boolean revoke(String id, Instant at) {
		return this.writer.revoke(id, at, getClock(), this.maxHistory);
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
