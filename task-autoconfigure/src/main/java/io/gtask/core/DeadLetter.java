package io.gtask.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A message kept aside because its task cannot succeed as it is: its retries are exhausted, it
 * failed without retry, it was delivered too many times without finishing, no handler knows its
 * name, or it is not a valid message at all.
 *
 * @param id the id of the dead letter, unique within its queue
 * @param queue the queue the message came from
 * @param taskId the task id, when the message shows one
 * @param name the task name, when the message shows one
 * @param reason why the message was set aside
 * @param errorType the type of the last error, if there was one
 * @param attempts the number of attempts the task had
 * @param deliveries the number of times the message was delivered
 * @param deadAt when the message was set aside
 * @param payload the message as it was found, so that nothing of it is lost
 */
public record DeadLetter(String id, String queue, @Nullable String taskId, @Nullable String name, String reason,
		@Nullable String errorType, int attempts, long deliveries, Instant deadAt, byte[] payload) {

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof DeadLetter letter && this.id.equals(letter.id)
				&& this.queue.equals(letter.queue) && Objects.equals(this.taskId, letter.taskId)
				&& Objects.equals(this.name, letter.name) && this.reason.equals(letter.reason)
				&& Objects.equals(this.errorType, letter.errorType) && this.attempts == letter.attempts
				&& this.deliveries == letter.deliveries && this.deadAt.equals(letter.deadAt)
				&& Arrays.equals(this.payload, letter.payload));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.id, this.queue, this.taskId, this.deadAt) * 31 + Arrays.hashCode(this.payload);
	}

	@Override
	public String toString() {
		return "DeadLetter[id=" + this.id + ", queue=" + this.queue + ", taskId=" + this.taskId + ", name=" + this.name
				+ ", reason=" + this.reason + ", errorType=" + this.errorType + ", attempts=" + this.attempts
				+ ", deliveries=" + this.deliveries + ", deadAt=" + this.deadAt + ", payload=" + this.payload.length
				+ " bytes]";
	}

}
