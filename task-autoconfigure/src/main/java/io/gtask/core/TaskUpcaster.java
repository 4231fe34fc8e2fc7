package io.gtask.core;

import java.util.function.UnaryOperator;

import org.springframework.util.Assert;
import tools.jackson.databind.node.ArrayNode;

/**
 * Turns the arguments of a task sent for one version of its handler into those of the next
 * version, so that messages still queued when a handler's parameters change keep running
 * after the change. Declared as a bean, it is found and checked when the application starts.
 * <p>
 * An upcaster takes one step, from {@link #fromVersion()} to the version after it; a handler
 * of version 3 reads messages of version 1 through the upcasters from 1 and from 2, in that
 * order. The upcasters of a task name must reach its handler's version without a gap.
 * <p>
 * The arguments given are a copy of those in the message, and may be changed and returned.
 * An upcaster that throws fails the task, with the versions in its error; it is not retried.
 *
 * @see TaskHandler#version()
 */
public interface TaskUpcaster {

	/**
	 * The name of the task whose arguments this upcaster turns.
	 * @return the task name
	 */
	String taskName();

	/**
	 * The version of the arguments this upcaster reads; it writes those of the next version.
	 * @return the version, 1 or more
	 */
	int fromVersion();

	/**
	 * Turn the arguments of {@link #fromVersion()} into those of the next version.
	 * @param args the arguments of the older version, a copy
	 * @return the arguments of the next version
	 */
	ArrayNode upcast(ArrayNode args);

	/**
	 * Create an upcaster from a function, for a bean method such as
	 * {@code TaskUpcaster.of("greet", 1, (args) -> ...)}.
	 * @param taskName the task name
	 * @param fromVersion the version of the arguments read
	 * @param upcast the function from the arguments of that version to those of the next
	 * @return the upcaster
	 */
	static TaskUpcaster of(String taskName, int fromVersion, UnaryOperator<ArrayNode> upcast) {
		Assert.hasText(taskName, "taskName must not be empty");
		Assert.notNull(upcast, "upcast must not be null");
		return new TaskUpcaster() {

			@Override
			public String taskName() {
				return taskName;
			}

			@Override
			public int fromVersion() {
				return fromVersion;
			}

			@Override
			public ArrayNode upcast(ArrayNode args) {
				return upcast.apply(args);
			}

			@Override
			public String toString() {
				return "TaskUpcaster '" + taskName + "' from version " + fromVersion;
			}

		};
	}

}
