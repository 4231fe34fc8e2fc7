package io.gtask.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.gtask.metrics.TaskOutcome;
import io.gtask.redis.RedisAsync;
import io.gtask.redis.RedisKeyspace;
import io.gtask.stats.redis.RedisTaskStatsStore;
import io.gtask.test.SettableClock;
import io.gtask.test.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static io.gtask.redis.RedisAsync.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Task statistics written by recorders of several instances into one Redis and read back per
 * minute and in totals.
 */
class TaskStatsTests {

	/**
	 * An hour of today: counts of hours long past would expire as soon as they are written.
	 */
	private static final Instant NOON = Instant.now().truncatedTo(ChronoUnit.HOURS);

	private final LettuceConnectionFactory connectionFactory = TestRedis.get().connectionFactory();

	private final RedisAsync redis = new RedisAsync(this.connectionFactory, Duration.ofSeconds(5));

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	private final RedisKeyspace keys = new RedisKeyspace(this.prefix);

	private final RedisTaskStatsStore store = new RedisTaskStatsStore(this.redis, this.keys, Duration.ofHours(2));

	@AfterEach
	void cleanUp() {
		Set<byte[]> keys = this.connectionFactory.getConnection().keyCommands().keys(bytes(this.prefix + ":*"));
		if (keys != null && !keys.isEmpty()) {
			this.connectionFactory.getConnection().keyCommands().del(keys.toArray(new byte[0][]));
		}
		this.connectionFactory.destroy();
	}

	@Test
	void countsOfSeveralInstancesAddUpPerMinuteAndInTotal() {
		SettableClock clock = new SettableClock(NOON.plusSeconds(10));
		TaskStatsRecorder one = recorder(clock);
		TaskStatsRecorder two = recorder(clock);
		one.sent("default", "a");
		one.sent("default", "a");
		two.sent("default", "b");
		one.finished("default", "a", TaskOutcome.SUCCESS, 1);
		two.finished("default", "b", TaskOutcome.RETRY, 1);
		two.finished("default", "b", TaskOutcome.TIMEOUT, 1);
		two.finished("default", "b", TaskOutcome.FAILURE, 1);
		two.finished("default", "b", TaskOutcome.REVOKED, -1);
		two.deadLettered("default", "b");
		assertThat(one.flush()).isTrue();
		assertThat(two.flush()).isTrue();
		clock.set(NOON.plus(Duration.ofMinutes(2)));
		one.finished("default", "a", TaskOutcome.SUCCESS, 1);
		one.flush();

		List<TaskStatsBucket> history = this.store.history(NOON.plus(Duration.ofMinutes(2)), Duration.ofMinutes(5),
				Duration.ofMinutes(1));
		assertThat(history).extracting(TaskStatsBucket::start)
			.containsExactly(NOON.minus(Duration.ofMinutes(2)), NOON.minus(Duration.ofMinutes(1)), NOON,
					NOON.plus(Duration.ofMinutes(1)), NOON.plus(Duration.ofMinutes(2)));
		assertThat(history.get(2)).isEqualTo(new TaskStatsBucket(NOON, 3, 1, 3, 1));
		assertThat(history.get(3).processed()).isZero();
		assertThat(history.get(4).succeeded()).isEqualTo(1);
		assertThat(this.store.totals(NOON)).isEqualTo(new TaskStatsBucket(NOON, 3, 2, 3, 1));
	}

	@Test
	void bucketsOfSeveralMinutesSumTheirMinutesAcrossHours() {
		this.store.add(NOON.minus(Duration.ofMinutes(7)), Map.of(TaskStatistic.SUCCEEDED, 4L));
		this.store.add(NOON.minus(Duration.ofMinutes(6)), Map.of(TaskStatistic.SUCCEEDED, 5L));
		this.store.add(NOON.minus(Duration.ofMinutes(1)), Map.of(TaskStatistic.FAILED, 2L));
		this.store.add(NOON.plus(Duration.ofMinutes(1)), Map.of(TaskStatistic.FAILED, 1L, TaskStatistic.SENT, 8L));
		List<TaskStatsBucket> history = this.store.history(NOON.plus(Duration.ofSeconds(90)), Duration.ofMinutes(10),
				Duration.ofMinutes(5));
		assertThat(history).hasSize(2);
		assertThat(history.get(0)).isEqualTo(new TaskStatsBucket(NOON.minus(Duration.ofMinutes(8)), 0, 9, 0, 0));
		assertThat(history.get(1)).isEqualTo(new TaskStatsBucket(NOON.minus(Duration.ofMinutes(3)), 8, 0, 3, 0));
	}

	@Test
	void countsThatCannotBeWrittenAreKeptForTheNextWrite() {
		SettableClock clock = new SettableClock(NOON);
		TaskStatsRecorder recorder = new TaskStatsRecorder(new FailingOnceStore(this.store), Duration.ofSeconds(5));
		recorder.setClock(clock);
		recorder.finished("default", "a", TaskOutcome.SUCCESS, 1);
		assertThat(recorder.flush()).isFalse();
		recorder.finished("default", "a", TaskOutcome.SUCCESS, 1);
		assertThat(recorder.flush()).isTrue();
		assertThat(this.store.totals(NOON).succeeded()).isEqualTo(2);
	}

	@Test
	void stoppingWritesWhatWasCountedLast() {
		TaskStatsRecorder recorder = new TaskStatsRecorder(this.store, Duration.ofHours(1));
		recorder.start();
		recorder.sent("default", "a");
		recorder.stop();
		assertThat(recorder.isRunning()).isFalse();
		assertThat(this.store.totals(NOON).sent()).isEqualTo(1);
	}

	private TaskStatsRecorder recorder(SettableClock clock) {
		TaskStatsRecorder recorder = new TaskStatsRecorder(this.store, Duration.ofSeconds(5));
		recorder.setClock(clock);
		return recorder;
	}

	private static final class FailingOnceStore implements TaskStatsStore {

		private final TaskStatsStore delegate;

		private boolean failed;

		FailingOnceStore(TaskStatsStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public void add(Instant at, Map<TaskStatistic, Long> counts) {
			if (!this.failed) {
				this.failed = true;
				throw new IllegalStateException("Redis is away");
			}
			this.delegate.add(at, counts);
		}

		@Override
		public List<TaskStatsBucket> history(Instant now, Duration range, Duration step) {
			return this.delegate.history(now, range, step);
		}

		@Override
		public TaskStatsBucket totals(Instant now) {
			return this.delegate.totals(now);
		}

	}

}
