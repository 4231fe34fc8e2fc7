package io.gtask.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A {@link DeadLetter} with its message as text, as the actuator endpoint and the dashboard show
 * it.
 *
 * @param id the dead letter id
 * @param queue the queue
 * @param taskId the task id, when the message shows one
 * @param name the task name, when the message shows one
 * @param reason why it was set aside
 * @param errorType the type of the last error
 * @param attempts the number of attempts
 * @param deliveries the number of deliveries
 * @param deadAt when it was set aside
 * @param payload the message as UTF-8 text
 */
public record DeadLetterView(String id, String queue, @Nullable String taskId, @Nullable String name, String reason,
		@Nullable String errorType, int attempts, long deliveries, Instant deadAt, String payload) {

	/**
	 * The view of a dead letter.
	 * @param letter the dead letter
	 * @return its view
	 */
	public static DeadLetterView of(DeadLetter letter) {
		return new DeadLetterView(letter.id(), letter.queue(), letter.taskId(), letter.name(), letter.reason(),
				letter.errorType(), letter.attempts(), letter.deliveries(), letter.deadAt(),
				new String(letter.payload(), StandardCharsets.UTF_8));
	}

}
