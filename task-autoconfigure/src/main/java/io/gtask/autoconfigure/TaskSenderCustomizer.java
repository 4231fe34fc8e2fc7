package io.gtask.autoconfigure;

import io.gtask.send.TaskSender;

/**
 * Callback that customizes the {@link TaskSender} the auto-configuration creates, once it is
 * configured from {@code gtask.*} properties, for what the properties do not cover: a clock,
 * metrics of one's own only, the way records and messages are written together. The sender is
 * what the client, the periodic scheduler, the reaper, manual-commit handlers and the dead
 * letters send through, so a customizer changes all of them. Every bean of this type is applied,
 * in the order of {@link org.springframework.core.Ordered} and
 * {@link org.springframework.core.annotation.Order @Order}. A {@link TaskSender} bean of one's
 * own replaces the auto-configured sender, and customizers with it; routes computed in code take
 * a {@link io.gtask.send.TaskRouter} bean of one's own.
 */
@FunctionalInterface
public interface TaskSenderCustomizer {

	/**
	 * Customize the sender.
	 * @param sender the sender, configured from the properties
	 */
	void customize(TaskSender sender);

}
