package io.gtask.backend.mongo;

import java.time.Instant;
import java.util.List;

import io.gtask.backend.StoredTask;
import io.gtask.core.TaskStatus;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import static io.gtask.backend.mongo.TaskDocument.EXPIRES_AT;
import static io.gtask.backend.mongo.TaskDocument.ID;
import static io.gtask.backend.mongo.TaskDocument.date;

/**
 * The queries of the {@link MongoResultBackend} on its task documents. A document whose expiry
 * date has passed is absent to every read and write, even before the TTL monitor deletes it,
 * so each query that means a live task compares that date with the caller's time.
 */
final class MongoTaskQueries {

	private MongoTaskQueries() {
	}

	/**
	 * The live document of a task.
	 */
	static Query live(String id, Instant now) {
		return Query.query(Criteria.where(ID).is(id).and(EXPIRES_AT).gt(date(now)));
	}

	/**
	 * The document of a task if it has expired but is not deleted yet.
	 */
	static Query expired(String id, Instant now) {
		return Query.query(Criteria.where(ID).is(id).and(EXPIRES_AT).lte(date(now)));
	}

	/**
	 * The document of a task, live or not.
	 */
	static Query any(String id) {
		return Query.query(Criteria.where(ID).is(id));
	}

	/**
	 * The live documents of tasks, without their messages.
	 */
	static Query liveInfos(List<String> ids, Instant now) {
		Query query = Query.query(Criteria.where(ID).in(ids).and(EXPIRES_AT).gt(date(now)));
		query.fields().exclude(TaskDocument.PAYLOAD);
		return query;
	}

	/**
	 * The live document of a task, without its message.
	 */
	static Query liveInfo(String id, Instant now) {
		Query query = live(id, now);
		query.fields().exclude(TaskDocument.PAYLOAD);
		return query;
	}

	/**
	 * The live document of a task that may still be revoked: PENDING or waiting for a retry.
	 */
	static Query revocable(String id, Instant now) {
		return live(id, now).addCriteria(
				Criteria.where(TaskDocument.STATUS).in(TaskStatus.PENDING.name(), TaskStatus.RETRY.name()));
	}

	/**
	 * The live document of a task still in the state and with the time of last change that
	 * were read.
	 */
	static Query unchanged(StoredTask read, Instant now) {
		Query query = live(read.id(), now);
		query.addCriteria(Criteria.where(TaskDocument.STATUS).is(read.status().name())
			.and(TaskDocument.UPDATED_AT)
			.is(date(read.updatedAt())));
		return query;
	}

	/**
	 * Unfinished live tasks with a message, not changed since a time and due by then, in the
	 * order of their last change and id, after a task of an earlier page.
	 */
	static Query stale(Instant olderThan, @Nullable StoredTask after, int limit, Instant now) {
		Criteria criteria = Criteria.where(TaskDocument.STATUS)
			.in(TaskStatus.PENDING.name(), TaskStatus.STARTED.name(), TaskStatus.RETRY.name())
			.and(EXPIRES_AT)
			.gt(date(now))
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
		return Query.query(criteria)
			.with(Sort.by(Sort.Direction.ASC, TaskDocument.UPDATED_AT).and(Sort.by(Sort.Direction.ASC, ID)))
			.limit(limit);
	}

}
