package io.gtask.observation;

import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

/**
 * The context of the observation of sending a task: a tracing handler writes the trace context
 * into the headers of the task's message, where {@link TaskExecutionContext} finds it on the
 * worker.
 */
public class TaskSendContext extends SenderContext<Map<String, String>> {

	private final String taskId;

	private final String taskName;

	private final String queue;

	/**
	 * Create a context.
	 * @param taskId the task id
	 * @param taskName the task name
	 * @param queue the queue
	 * @param headers the headers of the message, written to by propagators
	 */
	public TaskSendContext(String taskId, String taskName, String queue, Map<String, String> headers) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		}, Kind.PRODUCER);
		setCarrier(headers);
		setRemoteServiceName("gtask");
		this.taskId = taskId;
		this.taskName = taskName;
		this.queue = queue;
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

}
