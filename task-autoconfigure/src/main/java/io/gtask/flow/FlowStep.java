package io.gtask.flow;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;

/**
 * The task a step of a flow sends, with the options of its request.
 *
 * @param taskId the id the flow gives the task
 * @param name the task name
 * @param args the step's own arguments
 * @param immutable whether the previous result is left out of the arguments
 * @param queue the queue, or {@code null} for the handler's
 * @param timeoutMillis the timeout of an attempt, or {@code null}
 * @param maxRetries the retries, or {@code null}
 * @param backoffMillis the first back-off, or {@code null}
 * @param etaMillis when the task may run at the earliest, or {@code null}
 * @param priority the priority
 * @param expiresAtMillis when the task must not start any more, or {@code null}
 * @param group the group of the task in its queue, or {@code null}
 */
record FlowStep(String taskId, String name, ArrayNode args, boolean immutable, @Nullable String queue,
		@Nullable Long timeoutMillis, @Nullable Integer maxRetries, @Nullable Long backoffMillis,
		@Nullable Long etaMillis, int priority, @Nullable Long expiresAtMillis, @Nullable String group) {

}
