package io.gtask.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test sets or advances it, safe to read from other threads.
 */
public final class SettableClock extends Clock {

	private final AtomicReference<Instant> instant;

	public SettableClock(Instant instant) {
		this.instant = new AtomicReference<>(instant);
	}

	public void set(Instant instant) {
		this.instant.set(instant);
	}

	public void advance(Duration duration) {
		this.instant.updateAndGet((current) -> current.plus(duration));
	}

	@Override
	public Instant instant() {
		return this.instant.get();
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("A SettableClock is always in UTC");
	}

}
