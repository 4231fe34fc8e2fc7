package io.gtask.autoconfigure;

import io.gtask.client.DefaultTaskClient;

/**
 * Callback that customizes the {@link DefaultTaskClient} the auto-configuration creates, once it
 * is configured from {@code gtask.*} properties, for what the properties do not cover: routes
 * computed in code, a clock, metrics of one's own only. Every bean of this type is applied, in
 * the order of {@link org.springframework.core.Ordered} and
 * {@link org.springframework.core.annotation.Order @Order}. A
 * {@link io.gtask.core.TaskClient} bean of one's own replaces the auto-configured client, and
 * customizers with it.
 */
@FunctionalInterface
public interface TaskClientCustomizer {

	/**
	 * Customize the client.
	 * @param client the client, configured from the properties
	 */
	void customize(DefaultTaskClient client);

}
