package io.gtask.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.gtask.registry.TaskVersions;

/**
 * Versions of task messages, for rolling deploys in which the arguments of a task change
 * ({@code gtask.versions.*}).
 */
public class VersionProperties {

	/**
	 * How long a message of a newer version than its handler here is handed back for a newer
	 * worker, from the first time it was handed back; after that it fails.
	 */
	private Duration futureHandBackWindow = TaskVersions.DEFAULT_FUTURE_HAND_BACK_WINDOW;

	/**
	 * How long a message handed back for a newer worker waits before it is queued again.
	 */
	private Duration futureHandBackDelay = TaskVersions.DEFAULT_FUTURE_HAND_BACK_DELAY;

	/**
	 * Version written into the messages of each task name, taking precedence over the version
	 * of a local handler: for senders without the handler, and for sending the previous
	 * version until every worker takes the new one.
	 */
	private Map<String, Integer> tasks = new LinkedHashMap<>();

	public Duration getFutureHandBackWindow() {
		return this.futureHandBackWindow;
	}

	public void setFutureHandBackWindow(Duration futureHandBackWindow) {
		this.futureHandBackWindow = futureHandBackWindow;
	}

	public Duration getFutureHandBackDelay() {
		return this.futureHandBackDelay;
	}

	public void setFutureHandBackDelay(Duration futureHandBackDelay) {
		this.futureHandBackDelay = futureHandBackDelay;
	}

	public Map<String, Integer> getTasks() {
		return this.tasks;
	}

	public void setTasks(Map<String, Integer> tasks) {
		this.tasks = tasks;
	}

}
