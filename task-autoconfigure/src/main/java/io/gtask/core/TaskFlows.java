package io.gtask.core;

import java.util.Optional;

/**
 * Starts, reads and cancels flows of tasks ({@link TaskFlow}). A flow's id is a task id: its
 * state and final result are read with {@link TaskClient#status(String)},
 * {@link TaskClient#await(String, java.time.Duration, Class)} and the other methods that read a
 * task; this interface adds what only a flow has, its steps.
 */
public interface TaskFlows {

	/**
	 * Start a flow: its first steps are sent at once, the others by the workers that finish the
	 * steps before them.
	 * @param flow the flow
	 * @return the flow's id
	 * @throws TaskSendException if its first steps could not be sent
	 */
	String start(TaskFlow flow);

	/**
	 * Start a flow under a chosen id, once: a second start under the same id sends only what
	 * the first left unsent (if its process died half way) and returns the id. A periodic task
	 * starts a flow per tick this way with {@code start(context.id() + ".flow", flow)}, and a
	 * run of it made again starts nothing twice.
	 * @param id the flow id, a valid task id not used by another task
	 * @param flow the flow
	 * @return the id
	 * @throws TaskSendException if its first steps could not be sent
	 */
	String start(String id, TaskFlow flow);

	/**
	 * Read a flow and its steps.
	 * @param id the flow id
	 * @return the flow
	 * @throws TaskNotFoundException if the flow is unknown or has expired
	 */
	FlowInfo info(String id);

	/**
	 * Read a flow and its steps, if it is known.
	 * @param id the flow id
	 * @return the flow, or empty
	 */
	Optional<FlowInfo> find(String id);

	/**
	 * Cancel a running flow: it ends {@link TaskStatus#REVOKED}, nothing more of it is sent,
	 * and its steps that were sent are revoked, or cancelled if they run.
	 * @param id the flow id
	 * @return {@code true} if it was running, {@code false} if it had ended or is unknown
	 */
	boolean cancel(String id);

}
