package io.gtask.worker;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link TaskContainer} spends the time the application context gives it to stop: it
 * waits for running tasks, then interrupts those still running, gives their handlers a moment
 * to return, and hands their tasks back. All of it must end before the context stops waiting
 * ({@code spring.lifecycle.timeout-per-shutdown-phase}) and goes on to close the Redis
 * connection factory, or the tasks are handed back to no one and wait for the visibility
 * timeout.
 *
 * @param shutdownTimeout how long to wait for running tasks ({@code gtask.worker.shutdown-timeout})
 * @param phaseTimeout how long the context waits for the container to stop, {@code null} when
 * not known
 */
public record ShutdownBudget(Duration shutdownTimeout, @Nullable Duration phaseTimeout) {

	/**
	 * Time kept after waiting for running tasks: the interrupted handlers' grace
	 * ({@link TaskExecution#ABANDON_GRACE}), handing back, and the last outcome writes, which
	 * take milliseconds when Redis answers and are bounded by the Redis timeout when it does
	 * not.
	 */
	public static final Duration HAND_BACK_TIME = Duration.ofSeconds(5);

	/**
	 * How long stopping waits for running tasks: the shutdown timeout, cut short when it
	 * would leave too little of the phase timeout to hand back the tasks still running.
	 * @return the time to wait
	 */
	public Duration taskWait() {
		if (fits()) {
			return this.shutdownTimeout;
		}
		Duration available = this.phaseTimeout.minus(HAND_BACK_TIME);
		return available.isNegative() ? Duration.ZERO : available;
	}

	/**
	 * Whether waiting the whole shutdown timeout leaves time to hand back.
	 * @return {@code true} when it does, or the phase timeout is not known
	 */
	public boolean fits() {
		return this.phaseTimeout == null || this.shutdownTimeout.plus(HAND_BACK_TIME).compareTo(this.phaseTimeout) <= 0;
	}

	/**
	 * Describe why the shutdown timeout is cut short, naming both properties.
	 * @return the description
	 */
	String describeConflict() {
		return "gtask.worker.shutdown-timeout (" + this.shutdownTimeout.toMillis() + " ms) plus the "
				+ HAND_BACK_TIME.toMillis() + " ms gtask keeps to hand back tasks still running does not fit in "
				+ "spring.lifecycle.timeout-per-shutdown-phase (" + ((this.phaseTimeout != null)
						? this.phaseTimeout.toMillis() : 0)
				+ " ms), after which the Redis connection is closed; stopping waits at most " + taskWait().toMillis()
				+ " ms for running tasks. Lower gtask.worker.shutdown-timeout or raise "
				+ "spring.lifecycle.timeout-per-shutdown-phase";
	}

}
