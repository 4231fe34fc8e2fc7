package io.gtask.durable;

import java.time.Duration;

/**
 * A lock that lets one instance at a time do a piece of work, held for a limited time so that
 * an instance that dies does not hold it for ever.
 */
public interface LeaderLock {

	/**
	 * Take or renew the lock if it is free or already held by this owner.
	 * @param owner the owner, unique among instances
	 * @param ttl how long the lock is held unless renewed
	 * @return whether this owner holds the lock now
	 */
	boolean tryAcquire(String owner, Duration ttl);

	/**
	 * Give the lock up if this owner holds it.
	 * @param owner the owner
	 */
	void release(String owner);

}
