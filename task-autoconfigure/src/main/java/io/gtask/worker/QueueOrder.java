package io.gtask.worker;

/**
 * How a container that consumes several queues shares its free slots among them.
 */
public enum QueueOrder {

	/**
	 * A queue gets a slot only while every queue listed before it has nothing to run: lower
	 * queues may starve while higher queues are busy.
	 */
	STRICT,

	/**
	 * Each queue that has tasks gets slots in proportion to its weight, drawn at random, so that
	 * no queue with a positive weight starves.
	 */
	WEIGHTED

}
