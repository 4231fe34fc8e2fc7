package io.gtask.core;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What the {@link TaskBrowser} keeps of the tasks it lists; every part is optional.
 *
 * @param name the exact task name
 * @param queue the exact queue
 * @param idPrefix the start of the task id
 * @param argument text the JSON of the arguments contains, ignoring case
 */
public record TaskFilter(@Nullable String name, @Nullable String queue, @Nullable String idPrefix,
		@Nullable String argument) {

	/**
	 * No filter: every task.
	 */
	public static final TaskFilter NONE = new TaskFilter(null, null, null, null);

	/**
	 * Whether a task passes the filter.
	 * @param id the task id
	 * @param name the task name
	 * @param queue the queue
	 * @param args the arguments as JSON text, if known
	 * @return whether it passes
	 */
	public boolean accepts(@Nullable String id, @Nullable String name, String queue, @Nullable String args) {
		return (this.name == null || this.name.isEmpty() || this.name.equals(name))
				&& (this.queue == null || this.queue.isEmpty() || this.queue.equals(queue))
				&& (this.idPrefix == null || this.idPrefix.isEmpty() || (id != null && id.startsWith(this.idPrefix)))
				&& (this.argument == null || this.argument.isEmpty() || (args != null
						&& args.toLowerCase(Locale.ROOT).contains(this.argument.toLowerCase(Locale.ROOT))));
	}

}
