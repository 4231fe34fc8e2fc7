package io.gtask.periodic.redis;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.gtask.broker.OutgoingTask;
import io.gtask.periodic.MissedTickPolicy;
import io.gtask.periodic.PeriodicRedis;
import io.gtask.periodic.PeriodicSchedule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

import static io.gtask.redis.RedisAsync.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The script of {@link RedisPeriodicTickStore} on a real Redis: a tick is recorded, and its
 * task queued, only if it is later than the last one recorded.
 */
class RedisPeriodicTickStoreTests {

	private static final Instant TICK = Instant.parse("2030-01-01T00:00:00Z");

	private final PeriodicRedis redis = new PeriodicRedis();

	private final PeriodicSchedule schedule = new PeriodicSchedule("beat", "heartbeat",
			CronExpression.parse("*/10 * * * * *"), ZoneOffset.UTC, List.of(), "default", MissedTickPolicy.SKIP);

	@AfterEach
	void close() throws Exception {
		this.redis.close();
	}

	@Test
	void firstFireOfATickRecordsItAndQueuesItsTaskInTheReadyStream() {
		assertThat(this.redis.store.lastTick(this.schedule)).isNull();
		assertThat(this.redis.store.fire(this.schedule, TICK, task("beat@1", "payload-1"))).isTrue();
		assertThat(this.redis.store.lastTick(this.schedule)).isEqualTo(TICK);
		assertThat(this.redis.entries("default"))
			.containsExactly(Map.of("m", "payload-1", "n", "heartbeat", "i", "beat@1"));
		assertThat(string(this.redis.keys.periodic("default", "beat"))).isEqualTo(Long.toString(TICK.toEpochMilli()));
	}

	@Test
	void sameOrEarlierTickIsRefusedAndQueuesNothing() {
		this.redis.store.fire(this.schedule, TICK, task("beat@1", "payload-1"));
		assertThat(this.redis.store.fire(this.schedule, TICK, task("beat@1", "payload-again"))).isFalse();
		assertThat(this.redis.store.fire(this.schedule, TICK.minusSeconds(10), task("beat@0", "payload-0"))).isFalse();
		assertThat(this.redis.store.lastTick(this.schedule)).isEqualTo(TICK);
		assertThat(this.redis.taskIds("default")).containsExactly("beat@1");
		assertThat(this.redis.store.fire(this.schedule, TICK.plusSeconds(10), task("beat@2", "payload-2"))).isTrue();
		assertThat(this.redis.taskIds("default")).containsExactly("beat@1", "beat@2");
	}

	@Test
	void tickWithoutTaskIsOnlyRecorded() {
		assertThat(this.redis.store.fire(this.schedule, TICK, null)).isTrue();
		assertThat(this.redis.store.lastTick(this.schedule)).isEqualTo(TICK);
		assertThat(this.redis.entries("default")).isEmpty();
		assertThat(this.redis.store.fire(this.schedule, TICK, task("beat@1", "late"))).isFalse();
		assertThat(this.redis.entries("default")).isEmpty();
	}

	@Test
	void markerExpiresAWeekOrTenIntervalsAfterTheLastTick() {
		this.redis.store.fire(this.schedule, TICK, null);
		Long ttl = this.redis.redis
			.execute((commands) -> commands.pttl(bytes(this.redis.keys.periodic("default", "beat"))));
		assertThat(Duration.ofMillis(ttl)).isBetween(Duration.ofDays(7).minusMinutes(1), Duration.ofDays(7));
		PeriodicSchedule yearly = new PeriodicSchedule("y", "y", CronExpression.parse("@yearly"), ZoneOffset.UTC,
				List.of(), "default", MissedTickPolicy.SKIP);
		assertThat(RedisPeriodicTickStore.timeToLive(yearly, TICK)).isEqualTo(Duration.ofDays(3650));
		PeriodicSchedule once = new PeriodicSchedule("o", "o", CronExpression.parse("0 0 0 1 1 * "), ZoneOffset.UTC,
				List.of(), "default", MissedTickPolicy.SKIP);
		assertThat(RedisPeriodicTickStore.timeToLive(once, TICK)).isGreaterThanOrEqualTo(Duration.ofDays(3650));
	}

	@Test
	void markerThatIsNotANumberIsReplaced() {
		this.redis.redis.execute((commands) -> commands.set(bytes(this.redis.keys.periodic("default", "beat")),
				bytes("garbage")));
		assertThat(this.redis.store.lastTick(this.schedule)).isNull();
		assertThat(this.redis.store.fire(this.schedule, TICK, task("beat@1", "payload-1"))).isTrue();
		assertThat(this.redis.store.lastTick(this.schedule)).isEqualTo(TICK);
	}

	private OutgoingTask task(String id, String payload) {
		return new OutgoingTask("default", id, bytes(payload), null);
	}

	private String string(String key) {
		return io.gtask.redis.RedisAsync.string(this.redis.redis.execute((commands) -> commands.get(bytes(key))));
	}

}
