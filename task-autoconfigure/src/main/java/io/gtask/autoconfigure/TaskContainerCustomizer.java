package io.gtask.autoconfigure;

import io.gtask.worker.TaskContainer;

/**
 * Callback that customizes the {@link TaskContainer} the auto-configuration creates, once it is
 * configured from {@code gtask.*} properties and before it starts, for what the properties do
 * not cover: an interceptor list of one's own, a clock, a different queue order. Every bean of
 * this type is applied, in the order of {@link org.springframework.core.Ordered} and
 * {@link org.springframework.core.annotation.Order @Order}.
 * <p>
 * The settings the container is created with ({@link TaskContainer#getSettings()}: queues,
 * concurrency, timeouts, consumer name) come from {@code gtask.worker.*} and are fixed by then.
 * A container bean of one's own replaces the auto-configured one, and customizers with it.
 */
@FunctionalInterface
public interface TaskContainerCustomizer {

	/**
	 * Customize the container.
	 * @param container the container, configured from the properties
	 */
	void customize(TaskContainer container);

}
