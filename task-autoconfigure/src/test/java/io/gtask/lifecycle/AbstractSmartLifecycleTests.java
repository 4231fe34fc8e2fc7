package io.gtask.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The lifecycle shared by gtask's background components, and the scheduler of their timers.
 */
class AbstractSmartLifecycleTests {

	@Test
	void startAndStopRunTheirStepOnlyOnAChangeOfState() {
		Component component = new Component();
		component.start();
		component.start();
		assertThat(component.isRunning()).isTrue();
		component.stop();
		component.stop();
		assertThat(component.isRunning()).isFalse();
		component.start();
		assertThat(component.events).containsExactly("start running=true", "stop running=false",
				"start running=true");
	}

	@Test
	void aStartThatFailsLeavesTheComponentStopped() {
		Component component = new Component();
		component.failStart = true;
		assertThatIllegalStateException().isThrownBy(component::start).withMessage("no");
		assertThat(component.isRunning()).isFalse();
		component.failStart = false;
		component.start();
		assertThat(component.isRunning()).isTrue();
		component.stop();
	}

	@Test
	void phaseAndAutoStartupAreSettable() {
		Component component = new Component();
		assertThat(component.getPhase()).isEqualTo(AbstractSmartLifecycle.SUPPORT_PHASE);
		assertThat(component.isAutoStartup()).isTrue();
		component.setPhase(7);
		component.setAutoStartup(false);
		assertThat(component.getPhase()).isEqualTo(7);
		assertThat(component.isAutoStartup()).isFalse();
	}

	@Test
	void withoutASchedulerTimersRunOnADaemonThreadOfTheComponentsOwnThatEndsWhenItStops() throws Exception {
		Component component = new Component();
		component.start();
		Thread thread = component.ticked.poll();
		assertThat(thread.getName()).startsWith("gtask-test-");
		assertThat(thread.isDaemon()).isTrue();
		component.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> !thread.isAlive());
		assertThatIllegalStateException().isThrownBy(component::scheduler);
	}

	@Test
	void timersRunOnTheSchedulerSetWhichOutlivesTheComponent() throws Exception {
		SharedScheduler shared = new SharedScheduler();
		try {
			Component one = new Component();
			Component two = new Component();
			one.setTaskScheduler(shared.getTaskScheduler());
			two.setTaskScheduler(shared.getTaskScheduler());
			one.start();
			two.start();
			Thread first = one.ticked.poll();
			Thread second = two.ticked.poll();
			assertThat(List.of(first.getName(), second.getName())).allMatch((name) -> name.startsWith("gtask-scheduler-"));
			assertThat(first.isDaemon()).isTrue();
			one.stop();
			two.stop();
			CountDownLatch ran = new CountDownLatch(1);
			shared.getTaskScheduler().schedule(ran::countDown, java.time.Instant.now());
			assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			shared.destroy();
		}
	}

	@Test
	void stopWithACallbackRunsItOnceStopped() {
		Component component = new Component();
		component.start();
		AtomicReference<@Nullable Boolean> runningWhenTold = new AtomicReference<>();
		component.stop(() -> runningWhenTold.set(component.isRunning()));
		assertThat(runningWhenTold.get()).isFalse();
	}

	@Test
	void stopOnANewThreadReturnsAtOnceAndTellsTheCallbackThere() throws Exception {
		Component component = new Component();
		component.slowStop = new CountDownLatch(1);
		component.start();
		CountDownLatch told = new CountDownLatch(1);
		AtomicReference<@Nullable Thread> stopper = new AtomicReference<>();
		component.stopOnNewThread(() -> {
			stopper.set(Thread.currentThread());
			told.countDown();
		}, "gtask-stop");
		assertThat(told.getCount()).isOne();
		component.slowStop.countDown();
		assertThat(told.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(stopper.get().getName()).isEqualTo("gtask-stop");
		assertThat(stopper.get().isDaemon()).isTrue();
		assertThat(component.isRunning()).isFalse();
	}

	@Test
	void aComponentThatStopsOnANewThreadFromItsStopCallbackStopsOnceOnOneThread() throws Exception {
		AtomicInteger stoppers = new AtomicInteger();
		Component component = new Component() {

			@Override
			public void stop(Runnable callback) {
				stoppers.incrementAndGet();
				stopOnNewThread(callback, "gtask-stop");
			}

		};
		component.start();
		CountDownLatch told = new CountDownLatch(1);
		component.stop(told::countDown);
		assertThat(told.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(component.isRunning()).isFalse();
		assertThat(stoppers.get()).isOne();
		assertThat(component.events).containsExactly("start running=true", "stop running=false");
	}

	static class Component extends AbstractSmartLifecycle {

		final List<String> events = new CopyOnWriteArrayList<>();

		final Ticks ticked = new Ticks();

		boolean failStart;

		@Nullable CountDownLatch slowStop;

		private @Nullable ScheduledFuture<?> timer;

		Component() {
			super(SUPPORT_PHASE, "gtask-test-");
		}

		@Override
		protected void doStart() {
			this.events.add("start running=" + isRunning());
			if (this.failStart) {
				throw new IllegalStateException("no");
			}
			this.timer = scheduleWithFixedDelay(this.ticked::tick, Duration.ofMillis(10));
		}

		@Override
		protected void doStop() {
			this.events.add("stop running=" + isRunning());
			if (this.timer != null) {
				this.timer.cancel(false);
			}
			CountDownLatch slowStop = this.slowStop;
			if (slowStop != null) {
				try {
					slowStop.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		Object scheduler() {
			return getTaskScheduler();
		}

	}

	/**
	 * The threads the timer of a component ran on.
	 */
	static class Ticks {

		private final CountDownLatch first = new CountDownLatch(1);

		private final AtomicReference<@Nullable Thread> thread = new AtomicReference<>();

		private final AtomicInteger count = new AtomicInteger();

		void tick() {
			this.count.incrementAndGet();
			this.thread.compareAndSet(null, Thread.currentThread());
			this.first.countDown();
		}

		Thread poll() throws InterruptedException {
			assertThat(this.first.await(10, TimeUnit.SECONDS)).isTrue();
			return this.thread.get();
		}

	}

}
