package io.gtask.observation;

import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * The context of the observation of running one attempt of a task: a tracing handler reads the
 * trace context the sender wrote into the message's headers, so that the trace continues on the
 * worker.
 */
public class TaskExecutionContext extends ReceiverContext<Map<String, String>> {

	private final String taskId;

	private final String taskName;

	private final String queue;

	private final int attempt;

	/**
	 * Create a context.
	 * @param taskId the task id
	 * @param taskName the task name
	 * @param queue the queue
	 * @param attempt the attempt number
	 * @param headers the headers of the message
	 */
	public TaskExecutionContext(String taskId, String taskName, String queue, int attempt,
			Map<String, String> headers) {
		super((carrier, key) -> carrier.get(key), Kind.CONSUMER);
		setCarrier(headers);
		setRemoteServiceName("gtask");
		this.taskId = taskId;
		this.taskName = taskName;
		this.queue = queue;
		this.attempt = attempt;
	}

	public String getTaskId() {
		return this.taskId;
	}

	public String getTaskName() {
		return this.taskName;
	}

	public String getQueue() {
		return this.queue;
	}

	public int getAttempt() {
		return this.attempt;
	}

}
