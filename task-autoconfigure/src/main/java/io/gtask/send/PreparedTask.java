package io.gtask.send;

import io.gtask.backend.NewTask;
import io.gtask.broker.OutgoingTask;
import io.gtask.core.TaskRequest;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * A task ready to be written: its record (for a new task), its encoded message, and the
 * started observation of its send.
 *
 * @param record the record of a new task, {@code null} when a recorded task is sent again
 * @param message the message
 * @param name the task name
 * @param onDuplicate what a taken id or uniqueness key does
 * @param observation the observation of the send, stopped when the send ends
 */
record PreparedTask(@Nullable NewTask record, OutgoingTask message, String name,
		TaskRequest.OnDuplicate onDuplicate, Observation observation) {

	String id() {
		return this.message.id();
	}

	String queue() {
		return this.message.queue();
	}

}
