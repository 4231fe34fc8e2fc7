package io.gtask.periodic;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ScheduleTicker}'s search for the latest missed tick, which the scheduler's tests on
 * Redis cover only for a few ticks.
 */
class ScheduleTickerTests {

	private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

	@Test
	void latestTickBeforeAnInstantIsFoundWithoutWalkingEveryTick() {
		PeriodicSchedule everySecond = new PeriodicSchedule("s", "s", CronExpression.parse("* * * * * *"),
				ZoneOffset.UTC, List.of(), "default", MissedTickPolicy.SKIP);
		Instant year = T0.plus(Duration.ofDays(365));
		long start = System.nanoTime();
		assertThat(ScheduleTicker.latestTickBefore(everySecond, T0, year)).isEqualTo(year.minusSeconds(1));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		PeriodicSchedule workdays = new PeriodicSchedule("w", "w", CronExpression.parse("0 30 8 * * MON-FRI"),
				ZoneOffset.UTC, List.of(), "default", MissedTickPolicy.SKIP);
		// 2030-01-05 is a Saturday: the latest tick before Monday 2030-01-07 08:00 is Friday's
		assertThat(ScheduleTicker.latestTickBefore(workdays, Instant.parse("2030-01-01T08:30:00Z"),
				Instant.parse("2030-01-07T08:00:00Z")))
			.isEqualTo(Instant.parse("2030-01-04T08:30:00Z"));
		assertThat(ScheduleTicker.latestTickBefore(workdays, Instant.parse("2030-01-04T08:30:00Z"),
				Instant.parse("2030-01-04T08:30:00.001Z")))
			.isEqualTo(Instant.parse("2030-01-04T08:30:00Z"));
	}

}
