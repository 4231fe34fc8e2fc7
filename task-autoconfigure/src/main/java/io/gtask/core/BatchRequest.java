package io.gtask.core;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * A batch of tasks to send, with the callbacks that run once when every member ended
 * ({@link TaskBatches}).
 * <pre class="code">
 * String batchId = taskClient.batches().start(BatchRequest.of(requests)
 *         .onComplete(TaskRequest.of("import-report").build())
 *         .onSuccess(TaskRequest.of("import-done").args(fileId).build())
 *         .description("import " + fileId));
 * </pre>
 *
 * @param members the tasks of the batch; a batch opened with {@link TaskBatches#open} may start
 * with none
 * @param onComplete the task sent once every member ended, whatever their outcome, or
 * {@code null}; it is called with the batch id before its own arguments
 * @param onSuccess the task sent once every member ended if all of them succeeded, or
 * {@code null}; it is called with the batch id before its own arguments
 * @param description what the batch is, for people, or {@code null}
 */
public record BatchRequest(List<TaskRequest> members, @Nullable TaskRequest onComplete,
		@Nullable TaskRequest onSuccess, @Nullable String description) {

	/**
	 * The most characters of a description.
	 */
	public static final int MAX_DESCRIPTION_LENGTH = 1000;

	/**
	 * Create a request, checking that members and callbacks leave their ids and uniqueness to
	 * the batch.
	 */
	public BatchRequest {
		Assert.notNull(members, "members must not be null");
		members = List.copyOf(members);
		for (TaskRequest member : members) {
			checkMember(member);
		}
		for (TaskRequest callback : new TaskRequest[] { onComplete, onSuccess }) {
			if (callback != null && (callback.id() != null || callback.uniqueKey() != null)) {
				throw new IllegalArgumentException("Callback '" + callback.name() + "' of a batch must not name an id "
						+ "or a uniqueness key: the batch chooses its id and sends it once");
			}
		}
		if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
			throw new IllegalArgumentException("A batch description has at most " + MAX_DESCRIPTION_LENGTH
					+ " characters, not " + description.length());
		}
	}

	/**
	 * A batch of these tasks, without callbacks.
	 * @param members the tasks
	 * @return the request
	 */
	public static BatchRequest of(List<TaskRequest> members) {
		return new BatchRequest(members, null, null, null);
	}

	/**
	 * A batch of these tasks, without callbacks.
	 * @param members the tasks
	 * @return the request
	 */
	public static BatchRequest of(TaskRequest... members) {
		return of(List.of(members));
	}

	/**
	 * The same batch, with a callback sent once every member ended.
	 * @param callback the callback
	 * @return the request
	 */
	public BatchRequest onComplete(TaskRequest callback) {
		return new BatchRequest(this.members, callback, this.onSuccess, this.description);
	}

	/**
	 * The same batch, with a callback sent once every member succeeded.
	 * @param callback the callback
	 * @return the request
	 */
	public BatchRequest onSuccess(TaskRequest callback) {
		return new BatchRequest(this.members, this.onComplete, callback, this.description);
	}

	/**
	 * The same batch, described.
	 * @param description what it is
	 * @return the request
	 */
	public BatchRequest description(String description) {
		return new BatchRequest(this.members, this.onComplete, this.onSuccess, description);
	}

	/**
	 * Check a task to add to a batch.
	 * @param member the task
	 * @throws IllegalArgumentException if it names an id or a uniqueness key
	 */
	static void checkMember(TaskRequest member) {
		Assert.notNull(member, "A batch must not hold a null task");
		if (member.id() != null) {
			throw new IllegalArgumentException("Task '" + member.name() + "' of a batch must not name an id ('"
					+ member.id() + "'): the batch chooses the ids of its members");
		}
		if (member.uniqueKey() != null) {
			throw new IllegalArgumentException("Task '" + member.name() + "' of a batch must not ask for a uniqueness "
					+ "key: every member of a batch is counted once");
		}
	}

	static List<TaskRequest> checkMembers(List<TaskRequest> members) {
		List<TaskRequest> checked = new ArrayList<>(members.size());
		for (TaskRequest member : members) {
			checkMember(member);
			checked.add(member);
		}
		return checked;
	}

}
