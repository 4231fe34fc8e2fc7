package io.gtask.periodic;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gtask.broker.OutgoingTask;
import io.gtask.core.TaskMessage;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisAsync;
import io.gtask.test.SettableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.scheduling.support.CronExpression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link PeriodicTaskScheduler} on a real Redis: several schedulers stand for several instances
 * of an application sharing one Redis and key prefix, each on a clock of its own that the test
 * moves, so that ticks are due without waiting for them. Tests that count what one pass queued
 * drive the passes themselves ({@code fireDue()}) instead of starting the schedulers' threads,
 * which would race them for the ticks; a scheduler created later stands for an instance started
 * later.
 */
@ExtendWith(OutputCaptureExtension.class)
class PeriodicTaskSchedulerTests {

	private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final PeriodicRedis redis = new PeriodicRedis();

	@AfterEach
	void close() throws Exception {
		this.redis.close();
	}

	@Test
	void threeInstancesThatStartAndStopSendEachTickExactlyOnce() throws Exception {
		PeriodicSchedule schedule = everyTenSeconds("beat", MissedTickPolicy.SKIP);
		SettableClock clockA = new SettableClock(T0.minusSeconds(5));
		SettableClock clockB = new SettableClock(T0.minusSeconds(4));
		SettableClock clockC = new SettableClock(T0.minusSeconds(3));
		PeriodicTaskScheduler a = this.redis.scheduler(clockA, schedule);
		PeriodicTaskScheduler b = this.redis.scheduler(clockB, schedule);
		PeriodicTaskScheduler c = this.redis.scheduler(clockC, schedule);
		a.start();
		b.start();
		c.start();
		List<String> expected = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(3);
		try {
			for (int k = 0; k < 20; k++) {
				Instant tick = T0.plusSeconds(10L * k);
				if (k == 5) {
					b.stop();
				}
				if (k == 9) {
					a.stop();
					c.stop();
					// only b runs, after a stop of its own: it learns the last tick from Redis
					b.start();
				}
				if (k == 13) {
					// a joins again
					a.start();
				}
				if (k == 16) {
					c.start();
				}
				// the instances see the tick at slightly different times, all within the grace period
				clockA.set(tick.plusMillis(900));
				clockB.set(tick.plusMillis(20));
				clockC.set(tick.plusMillis(3500));
				List<PeriodicTaskScheduler> running = List.of(a, b, c)
					.stream()
					.filter(PeriodicTaskScheduler::isRunning)
					.toList();
				// the test's passes race with each other and with the schedulers' own threads
				List<Future<Integer>> passes = new ArrayList<>();
				for (PeriodicTaskScheduler scheduler : running) {
					passes.add(pool.submit(scheduler::fireDue));
				}
				for (Future<Integer> pass : passes) {
					pass.get();
				}
				expected.add("beat@" + tick.toEpochMilli());
				assertThat(this.redis.taskIds("default")).containsExactlyElementsOf(expected);
			}
		}
		finally {
			pool.shutdownNow();
		}
		for (Map<String, String> entry : this.redis.entries("default")) {
			TaskMessage message = this.redis.codec.decode(entry.get("m").getBytes());
			assertThat(message.id()).isEqualTo(entry.get("i"));
			assertThat(message.name()).isEqualTo("beat").isEqualTo(entry.get("n"));
			assertThat(message.queue()).isEqualTo("default");
			assertThat(message.attempt()).isEqualTo(1);
			assertThat(message.args()).isEmpty();
			assertThat(message.headers()).containsEntry(PeriodicTaskScheduler.SCHEDULE_HEADER, "beat");
			assertThat(this.redis.backend.find(message.id()))
				.hasValueSatisfying((info) -> {
					assertThat(info.status()).isEqualTo(TaskStatus.PENDING);
					assertThat(info.args()).isEqualTo("[]");
				});
		}
		assertThat(this.redis.store.lastTick(schedule)).isEqualTo(T0.plusSeconds(190));
	}

	@Test
	void instancesRacingForTheSameTickQueueItOnce() throws Exception {
		PeriodicSchedule schedule = new PeriodicSchedule("race", "beat", CronExpression.parse("* * * * * *"),
				ZoneOffset.UTC, List.of("x", 1), "default", MissedTickPolicy.SKIP);
		List<SettableClock> clocks = new ArrayList<>();
		List<PeriodicTaskScheduler> schedulers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			SettableClock clock = new SettableClock(T0.minusMillis(500));
			clocks.add(clock);
			schedulers.add(this.redis.scheduler(clock, schedule));
			schedulers.get(i).fireDue();
		}
		CyclicBarrier barrier = new CyclicBarrier(3);
		ExecutorService pool = Executors.newFixedThreadPool(3);
		try {
			for (int k = 0; k < 30; k++) {
				Instant tick = T0.plusSeconds(k);
				clocks.forEach((clock) -> clock.set(tick));
				List<Future<Integer>> passes = new ArrayList<>();
				for (PeriodicTaskScheduler scheduler : schedulers) {
					passes.add(pool.submit((Callable<Integer>) () -> {
						barrier.await();
						return scheduler.fireDue();
					}));
				}
				int queued = 0;
				for (Future<Integer> pass : passes) {
					queued += pass.get();
				}
				assertThat(queued).as("tasks queued for tick %s", tick).isEqualTo(1);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.redis.taskIds("default")).hasSize(30).doesNotHaveDuplicates();
		assertThat(this.redis.entries("default").get(0).get("m")).contains("\"args\":[\"x\",1]");
	}

	@Test
	void skipPolicySendsNothingForTicksMissedWhileAllInstancesWereDown() {
		PeriodicSchedule schedule = everyTenSeconds("beat", MissedTickPolicy.SKIP);
		SettableClock clock = new SettableClock(T0.minusSeconds(1));
		PeriodicTaskScheduler before = this.redis.scheduler(clock, schedule);
		before.fireDue();
		clock.set(T0);
		assertThat(before.fireDue()).isEqualTo(1);
		// every instance is down for a minute; the ticks of 10 to 50 s are more than 10 s late
		clock.set(T0.plusSeconds(63));
		PeriodicTaskScheduler after = this.redis.scheduler(clock, schedule);
		assertThat(after.fireDue()).isEqualTo(1);
		assertThat(this.redis.taskIds("default")).containsExactly(id("beat", T0), id("beat", T0.plusSeconds(60)));
		clock.set(T0.plusSeconds(70));
		assertThat(after.fireDue()).isEqualTo(1);
		assertThat(this.redis.taskIds("default")).containsExactly(id("beat", T0), id("beat", T0.plusSeconds(60)),
				id("beat", T0.plusSeconds(70)));
	}

	@Test
	void runOncePolicySendsOneTaskForTicksMissedWhileAllInstancesWereDown() {
		PeriodicSchedule schedule = everyTenSeconds("beat", MissedTickPolicy.RUN_ONCE);
		SettableClock clock = new SettableClock(T0.minusSeconds(1));
		PeriodicTaskScheduler before = this.redis.scheduler(clock, schedule);
		before.fireDue();
		clock.set(T0);
		assertThat(before.fireDue()).isEqualTo(1);
		// down for a day: thousands of ticks missed, one task for the latest of them
		clock.set(T0.plus(Duration.ofDays(1)).plusSeconds(3));
		PeriodicTaskScheduler after = this.redis.scheduler(clock, schedule);
		assertThat(after.fireDue()).isEqualTo(2);
		Instant day = T0.plus(Duration.ofDays(1));
		assertThat(this.redis.taskIds("default")).containsExactly(id("beat", T0), id("beat", day.minusSeconds(10)),
				id("beat", day));
		// an instance that comes back later finds nothing more to do
		assertThat(this.redis.scheduler(clock, schedule).fireDue()).isZero();
		assertThat(this.redis.taskIds("default")).hasSize(3);
	}

	@Test
	void ticksWithinTheGracePeriodAreAllSent() {
		PeriodicSchedule schedule = everyTenSeconds("beat", MissedTickPolicy.SKIP);
		SettableClock clock = new SettableClock(T0.minusSeconds(1));
		PeriodicTaskScheduler scheduler = this.redis.scheduler(clock, schedule);
		scheduler.setGrace(Duration.ofSeconds(30));
		scheduler.fireDue();
		// a long pause of the only instance, shorter than the grace period
		clock.set(T0.plusSeconds(25));
		assertThat(scheduler.fireDue()).isEqualTo(3);
		assertThat(this.redis.taskIds("default")).containsExactly(id("beat", T0), id("beat", T0.plusSeconds(10)),
				id("beat", T0.plusSeconds(20)));
	}

	@Test
	void cronIsEvaluatedInTheSchedulesZoneAcrossADaylightSavingChange() {
		ZoneId newYork = ZoneId.of("America/New_York");
		PeriodicSchedule ny = new PeriodicSchedule("ny", "report", CronExpression.parse("0 0 9 * * *"), newYork,
				List.of(), "default", MissedTickPolicy.SKIP);
		PeriodicSchedule utc = new PeriodicSchedule("utc", "report", CronExpression.parse("0 0 9 * * *"),
				ZoneOffset.UTC, List.of(), "default", MissedTickPolicy.SKIP);
		// 2030-03-09 is the last day of EST (UTC-5); on 2030-03-10 New York is on EDT (UTC-4)
		SettableClock clock = new SettableClock(Instant.parse("2030-03-09T08:59:59Z"));
		PeriodicTaskScheduler scheduler = this.redis.scheduler(clock, ny, utc);
		scheduler.fireDue();
		clock.set(Instant.parse("2030-03-09T09:00:00Z"));
		assertThat(scheduler.fireDue()).isEqualTo(1);
		clock.set(Instant.parse("2030-03-09T13:59:59Z"));
		assertThat(scheduler.fireDue()).isZero();
		clock.set(Instant.parse("2030-03-09T14:00:00Z"));
		assertThat(scheduler.fireDue()).isEqualTo(1);
		clock.set(Instant.parse("2030-03-10T09:00:00Z"));
		assertThat(scheduler.fireDue()).isEqualTo(1);
		clock.set(Instant.parse("2030-03-10T12:59:59Z"));
		assertThat(scheduler.fireDue()).isZero();
		clock.set(Instant.parse("2030-03-10T13:00:00Z"));
		assertThat(scheduler.fireDue()).isEqualTo(1);
		assertThat(this.redis.taskIds("default")).containsExactly(
				id("utc", Instant.parse("2030-03-09T09:00:00Z")), id("ny", Instant.parse("2030-03-09T14:00:00Z")),
				id("utc", Instant.parse("2030-03-10T09:00:00Z")), id("ny", Instant.parse("2030-03-10T13:00:00Z")));
	}

	@Test
	void schedulesOfDifferentQueuesKeepTheirTicksInTheirQueues() {
		PeriodicSchedule reports = new PeriodicSchedule("beat", "beat", CronExpression.parse("*/10 * * * * *"),
				ZoneOffset.UTC, List.of(), "reports", MissedTickPolicy.SKIP);
		SettableClock clock = new SettableClock(T0.minusSeconds(1));
		PeriodicTaskScheduler scheduler = this.redis.scheduler(clock, reports);
		scheduler.fireDue();
		clock.set(T0);
		scheduler.fireDue();
		assertThat(this.redis.taskIds("reports")).containsExactly(id("beat", T0));
		assertThat(this.redis.taskIds("default")).isEmpty();
		assertThat(this.redis.redis.<Long>execute(
				(commands) -> commands.exists(RedisAsync.bytes(this.redis.prefix + ":{reports}:periodic:beat"))))
			.isEqualTo(1L);
	}

	@Test
	void threadKeepsFiringThroughARedisOutageAndLogsItOnce(CapturedOutput output) {
		PeriodicSchedule schedule = everyTenSeconds("beat", MissedTickPolicy.SKIP);
		FlakyStore store = new FlakyStore(this.redis.store);
		SettableClock clock = new SettableClock(T0.minusSeconds(1));
		PeriodicTaskScheduler scheduler = this.redis.scheduler(store, clock, schedule);
		scheduler.start();
		await().atMost(WAIT).until(() -> store.calls.get() > 0);
		store.down.set(true);
		clock.set(T0);
		int failedCalls = store.calls.get();
		// the thread tries once a second; let it fail a few times
		await().atMost(WAIT).until(() -> store.calls.get() >= failedCalls + 3);
		assertThat(this.redis.taskIds("default")).isEmpty();
		store.down.set(false);
		await().atMost(WAIT).until(() -> this.redis.taskIds("default"), (ids) -> ids.equals(List.of(id("beat", T0))));
		await().atMost(WAIT).until(() -> output.getAll().contains("Firing periodic tasks works again"));
		assertThat(count(output.getAll(), "Could not fire periodic tasks")).isEqualTo(1);
		// a direct pass reports the failure to its caller
		store.down.set(true);
		clock.set(T0.plusSeconds(10));
		assertThatExceptionOfType(RedisConnectionFailureException.class).isThrownBy(scheduler::fireDue);
		store.down.set(false);
		await().atMost(WAIT).until(() -> this.redis.taskIds("default"), (ids) -> ids.size() == 2);
	}

	@Test
	void duplicateScheduleIdsAreRefused() {
		PeriodicSchedule first = everyTenSeconds("beat", MissedTickPolicy.SKIP);
		PeriodicSchedule second = new PeriodicSchedule("beat", "other", CronExpression.parse("0 * * * * *"),
				ZoneOffset.UTC, List.of(), "other", MissedTickPolicy.SKIP);
		PeriodicTaskScheduler scheduler = this.redis.scheduler(new SettableClock(T0), first, second);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(scheduler::afterSingletonsInstantiated)
			.withMessageContaining("Two periodic schedules have the id 'beat'");
	}

	private static PeriodicSchedule everyTenSeconds(String id, MissedTickPolicy policy) {
		return new PeriodicSchedule(id, "beat", CronExpression.parse("*/10 * * * * *"), ZoneOffset.UTC, List.of(),
				"default", policy);
	}

	private static String id(String schedule, Instant tick) {
		return schedule + "@" + tick.toEpochMilli();
	}

	private static int count(String text, String line) {
		Matcher matcher = Pattern.compile(Pattern.quote(line)).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	/**
	 * The Redis store, behind a switch that makes every call fail as if Redis were away.
	 */
	static final class FlakyStore implements PeriodicTickStore {

		final AtomicBoolean down = new AtomicBoolean();

		final AtomicInteger calls = new AtomicInteger();

		private final PeriodicTickStore delegate;

		FlakyStore(PeriodicTickStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public boolean fire(PeriodicSchedule schedule, Instant tick, @Nullable OutgoingTask task) {
			check();
			return this.delegate.fire(schedule, tick, task);
		}

		@Override
		public @Nullable Instant lastTick(PeriodicSchedule schedule) {
			check();
			return this.delegate.lastTick(schedule);
		}

		private void check() {
			this.calls.incrementAndGet();
			if (this.down.get()) {
				throw new RedisConnectionFailureException("Redis is away (test)");
			}
		}

	}

}
