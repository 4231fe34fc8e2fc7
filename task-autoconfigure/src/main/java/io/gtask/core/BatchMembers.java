package io.gtask.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A page of the members of a batch ({@link TaskBatches#members}).
 *
 * @param taskIds the ids of the members on this page, in no particular order
 * @param cursor where the next page starts, {@code null} after the last page
 */
public record BatchMembers(List<String> taskIds, @Nullable String cursor) {

	/**
	 * Create a page.
	 */
	public BatchMembers {
		taskIds = List.copyOf(taskIds);
	}

}
