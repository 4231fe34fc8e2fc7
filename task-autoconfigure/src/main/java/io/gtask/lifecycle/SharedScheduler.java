package io.gtask.lifecycle;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.Assert;

/**
 * The scheduler on which gtask's background components run what they do at intervals (writing
 * task statistics, firing periodic ticks, looking for lost tasks, deleting expired rows): one
 * small pool of daemon threads named {@code gtask-scheduler-*}, owned by the auto-configuration
 * and {@linkplain AbstractSmartLifecycle#setTaskScheduler(TaskScheduler) passed} to each
 * component, instead of a thread or two created by each.
 * <p>
 * It is a bean of its own type, not a {@link TaskScheduler} bean, so that the application's
 * {@code @Scheduled} methods never run on it and Spring Boot's own scheduler does not back off
 * because of it. It keeps running until the context destroys it, after the components that
 * use it have stopped. Every job run on it is a short, bounded round trip or a page of one; two
 * threads let a slow database job delay the others by no more than its own length.
 */
public final class SharedScheduler implements DisposableBean {

	/**
	 * The prefix of the names of the threads.
	 */
	public static final String DEFAULT_THREAD_NAME_PREFIX = "gtask-scheduler-";

	/**
	 * The number of threads.
	 */
	public static final int DEFAULT_POOL_SIZE = 2;

	private final ThreadPoolTaskScheduler scheduler;

	/**
	 * Create a scheduler of {@value #DEFAULT_POOL_SIZE} threads named
	 * {@value #DEFAULT_THREAD_NAME_PREFIX}{@code <n>}.
	 */
	public SharedScheduler() {
		this(DEFAULT_THREAD_NAME_PREFIX, DEFAULT_POOL_SIZE);
	}

	/**
	 * Create a scheduler.
	 * @param threadNamePrefix the prefix of the names of its threads
	 * @param poolSize the number of threads
	 */
	public SharedScheduler(String threadNamePrefix, int poolSize) {
		Assert.hasText(threadNamePrefix, "Thread name prefix must not be empty");
		Assert.isTrue(poolSize > 0, "Pool size must be positive");
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setThreadNamePrefix(threadNamePrefix);
		scheduler.setPoolSize(poolSize);
		// a producer whose main method has returned must be able to exit without closing its context
		scheduler.setDaemon(true);
		scheduler.setRemoveOnCancelPolicy(true);
		scheduler.initialize();
		this.scheduler = scheduler;
	}

	/**
	 * The scheduler to pass to components.
	 * @return the scheduler
	 */
	public TaskScheduler getTaskScheduler() {
		return this.scheduler;
	}

	/**
	 * Stop the threads; timers still scheduled are cancelled.
	 */
	@Override
	public void destroy() {
		this.scheduler.shutdown();
	}

}
