package io.gtask.core;

import java.util.List;
import java.util.stream.Collectors;


/**
 * Thrown when Redis refuses a command on a queue because a key of the queue holds a value of
 * another type (WRONGTYPE); names each such key and its type.
 */
public class QueueKeyTypeException extends GTaskException {

	private final List<KeyTypeProblem> problems;

	private final List<String> notQueued;

	/**
	 * Create an exception.
	 * @param problems the keys of the wrong type, at least one
	 * @param cause the error of Redis
	 */
	public QueueKeyTypeException(List<KeyTypeProblem> problems, Throwable cause) {
		this(problems, List.of(), cause);
	}

	/**
	 * Create an exception for a send.
	 * @param problems the keys of the wrong type, at least one
	 * @param notQueued the ids of the tasks that were not queued for it
	 * @param cause the error of Redis
	 */
	public QueueKeyTypeException(List<KeyTypeProblem> problems, List<String> notQueued, Throwable cause) {
		super(problems.stream().map(KeyTypeProblem::describe).collect(Collectors.joining("; "))
				+ ": delete or rename the key, and gtask creates it again", cause);
		this.problems = List.copyOf(problems);
		this.notQueued = List.copyOf(notQueued);
	}

	/**
	 * The ids of the tasks of a send that were not queued because of it.
	 * @return the ids, empty when the exception is not about a send
	 */
	public List<String> getNotQueued() {
		return this.notQueued;
	}

	/**
	 * The keys of the wrong type.
	 * @return the problems
	 */
	public List<KeyTypeProblem> getProblems() {
		return this.problems;
	}

}
