package io.gtask.broker.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import io.gtask.broker.OutgoingTask;
import io.gtask.core.KeyTypeProblem;
import io.gtask.core.QueueKeyTypeException;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import org.springframework.core.log.LogAccessor;

import static io.gtask.redis.RedisAsync.bytes;
import static io.gtask.redis.RedisAsync.string;

/**
 * Knows the Redis type of every key gtask keeps for a queue, finds keys that hold another type
 * (written there by something else), and remembers them so that the health indicator can report
 * them; each is logged at WARN once when found and at INFO once it is gone.
 */
final class QueueKeyTypes {

	private static final LogAccessor logger = new LogAccessor(QueueKeyTypes.class);

	private final RedisAsync redis;

	private final RedisKeyspace keys;

	private final Map<String, KeyTypeProblem> problems = new ConcurrentHashMap<>();

	QueueKeyTypes(RedisAsync redis, RedisKeyspace keys) {
		this.redis = redis;
		this.keys = keys;
	}

	/**
	 * Whether a failure is Redis refusing a command for a key of the wrong type.
	 * @param failure the failure
	 * @return whether it is
	 */
	static boolean isWrongType(Throwable failure) {
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			if (ex.getMessage() != null && ex.getMessage().contains("WRONGTYPE")) {
				return true;
			}
			if (ex.getCause() == ex) {
				break;
			}
		}
		return false;
	}

	/**
	 * The keys of a queue and the type each holds when gtask keeps it.
	 */
	Map<String, String> expected(String queue, Collection<String> limitedNames) {
		Map<String, String> expected = new LinkedHashMap<>();
		for (int lane = 0; lane < RedisKeyspace.LANES; lane++) {
			expected.put(this.keys.lane(queue, lane), "stream");
		}
		expected.put(this.keys.delayed(queue), "zset");
		expected.put(this.keys.revoked(queue), "zset");
		expected.put(this.keys.dead(queue), "zset");
		expected.put(this.keys.consumers(queue), "zset");
		expected.put(this.keys.limited(queue), "set");
		expected.put(this.keys.tracked(queue), "set");
		expected.put(this.keys.groups(queue), "zset");
		expected.put(this.keys.groupsWake(queue), "stream");
		String prefix = this.keys.queuePrefix(queue);
		for (String name : limitedNames) {
			expected.put(prefix + "waiting:" + name, "list");
			expected.put(prefix + "leases:" + name, "zset");
			expected.put(prefix + "rate:" + name, "zset");
		}
		return expected;
	}

	/**
	 * Look up the type of every key of a queue, remember those of the wrong type and forget
	 * those that are right again.
	 * @return the keys of the wrong type
	 */
	List<KeyTypeProblem> check(String queue, Collection<String> limitedNames) {
		return check(queue, limitedNames, List.of());
	}

	/**
	 * Look up the type of every key of a queue and of the given uniqueness keys of it.
	 * @return the keys of the wrong type
	 */
	List<KeyTypeProblem> check(String queue, Collection<String> limitedNames, Collection<String> uniqueKeys) {
		Map<String, String> expected = expected(queue, limitedNames);
		for (String uniqueKey : uniqueKeys) {
			expected.put(this.keys.unique(queue, uniqueKey), "string");
		}
		// keys a script found of another type, such as the list of one group, are looked at again
		for (KeyTypeProblem problem : problems(queue)) {
			expected.putIfAbsent(problem.key(), problem.expected());
		}
		List<String> names = List.copyOf(expected.keySet());
		List<String> types = this.redis.execute((commands) -> {
			List<CompletableFuture<String>> futures = new ArrayList<>(names.size());
			for (String key : names) {
				futures.add(commands.type(bytes(key)).toCompletableFuture());
			}
			return RedisAsync.all(futures).thenApply((ignored) -> futures.stream().map(CompletableFuture::join).toList());
		});
		List<KeyTypeProblem> found = new ArrayList<>();
		for (int i = 0; i < names.size(); i++) {
			String key = names.get(i);
			String type = types.get(i);
			if (!"none".equals(type) && !expected.get(key).equals(type)) {
				found.add(new KeyTypeProblem(queue, key, type, expected.get(key)));
			}
			else {
				resolved(key);
			}
		}
		found.forEach(this::remember);
		return found;
	}

	/**
	 * Remember keys found of the wrong type by a script, as key and type pairs; the lanes and the
	 * revoked set, which the fetch script looks at every time, are forgotten when not among them.
	 */
	void found(String queue, List<?> pairs) {
		Map<String, String> expected = expected(queue, List.of());
		Map<String, String> reported = new LinkedHashMap<>();
		for (int i = 0; i + 1 < pairs.size(); i += 2) {
			reported.put(text(pairs.get(i)), text(pairs.get(i + 1)));
		}
		if (reported.isEmpty() && this.problems.isEmpty()) {
			return;
		}
		for (int lane = 0; lane < RedisKeyspace.LANES; lane++) {
			forgetUnlessReported(this.keys.lane(queue, lane), reported);
		}
		forgetUnlessReported(this.keys.revoked(queue), reported);
		reported.forEach((key, type) -> remember(
				new KeyTypeProblem(queue, key, type, expected.getOrDefault(key, expectedByName(key)))));
	}

	private static String expectedByName(String key) {
		if (key.contains("}:waiting:") || key.contains("}:group:")) {
			return "list";
		}
		return key.endsWith("}:limited") ? "set" : "zset";
	}

	private void forgetUnlessReported(String key, Map<String, String> reported) {
		if (!reported.containsKey(key)) {
			resolved(key);
		}
	}

	/**
	 * Turn a failure of a command on a queue into one naming the keys of the wrong type, when
	 * that is what it is and they can be found.
	 */
	RuntimeException translate(String queue, Collection<String> limitedNames, RuntimeException failure) {
		return translate(queue, limitedNames, List.of(), failure);
	}

	RuntimeException translate(String queue, Collection<String> limitedNames, Collection<String> uniqueKeys,
			RuntimeException failure) {
		if (!isWrongType(failure)) {
			return failure;
		}
		try {
			List<KeyTypeProblem> found = check(queue, limitedNames, uniqueKeys);
			return found.isEmpty() ? failure : new QueueKeyTypeException(found, failure);
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(ex);
			return failure;
		}
	}

	/**
	 * When Redis refused some of the commands for a key of the wrong type, a failure naming the
	 * keys and the tasks that were therefore not queued.
	 * @param tasks the tasks of the send that failed
	 * @param failure the failure
	 * @param limitedNames the task names with limits
	 * @param tracking whether the tracked set was written with the tasks
	 * @return the failure to report
	 */
	Throwable refused(List<OutgoingTask> tasks, Throwable failure, Collection<String> limitedNames, boolean tracking) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (!(cause instanceof RuntimeException runtime) || !isWrongType(runtime)) {
			return cause;
		}
		List<KeyTypeProblem> problems = new ArrayList<>();
		for (String queue : tasks.stream().map(OutgoingTask::queue).distinct().toList()) {
			List<String> uniqueKeys = tasks.stream()
				.filter((task) -> task.queue().equals(queue) && task.uniqueKey() != null)
				.map(OutgoingTask::uniqueKey)
				.distinct()
				.toList();
			RuntimeException translated = translate(queue, limitedNames, uniqueKeys, runtime);
			if (translated instanceof QueueKeyTypeException wrongType) {
				problems.addAll(wrongType.getProblems());
			}
		}
		if (problems.isEmpty()) {
			return cause;
		}
		Set<String> broken = new HashSet<>();
		problems.forEach((problem) -> broken.add(problem.key()));
		List<String> notQueued = new ArrayList<>();
		for (OutgoingTask task : tasks) {
			String target = (task.due() != null) ? this.keys.delayed(task.queue())
					: this.keys.lane(task.queue(), task.priority());
			boolean unique = task.uniqueKey() != null
					&& broken.contains(this.keys.unique(task.queue(), task.uniqueKey()));
			if (broken.contains(target) || unique || (tracking && broken.contains(this.keys.tracked(task.queue())))) {
				notQueued.add(task.id());
			}
		}
		return new QueueKeyTypeException(problems, notQueued, cause);
	}

	List<KeyTypeProblem> problems(String queue) {
		return this.problems.values().stream().filter((problem) -> problem.queue().equals(queue)).toList();
	}

	private void remember(KeyTypeProblem problem) {
		if (this.problems.put(problem.key(), problem) == null) {
			logger.warn(() -> problem.describe() + ": what needs it is held up, the rest of the queue goes on. "
					+ "Delete or rename the key, and gtask creates it again");
		}
	}

	private void resolved(String key) {
		KeyTypeProblem gone = this.problems.remove(key);
		if (gone != null) {
			logger.info(() -> "Key '" + key + "' of queue '" + gone.queue() + "' no longer holds another type");
		}
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? string(bytes) : String.valueOf(value);
	}

}
