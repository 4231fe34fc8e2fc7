package io.gtask.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.gtask.core.TaskHandlerDefinitionException;
import io.gtask.core.TaskUpcaster;
import io.gtask.core.TaskVersion;
import io.gtask.core.TaskVersionException;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import tools.jackson.databind.node.ArrayNode;

/**
 * The versions of task names and the {@link TaskUpcaster upcasters} between them: the version
 * a sender writes into the message of each task name, and the steps that turn the arguments
 * of an older version into those a local handler takes.
 * <p>
 * The upcasters are read and checked once every singleton exists, when all handlers are
 * registered: each names a task with a local handler, starts at version 1 or more and below
 * the handler's version, no two start at the same version, and those of one task name reach
 * its handler's version without a gap. A configured version to send may not be above the
 * version of a local handler.
 */
public class TaskVersions implements SmartInitializingSingleton {

	/**
	 * How long, by default, a message of a newer version than its local handler is handed back
	 * for a newer worker before it fails.
	 */
	public static final Duration DEFAULT_FUTURE_HAND_BACK_WINDOW = Duration.ofMinutes(15);

	/**
	 * How long, by default, a message handed back for a newer worker waits before it is queued
	 * again, so that an older worker does not fetch it over and over.
	 */
	public static final Duration DEFAULT_FUTURE_HAND_BACK_DELAY = Duration.ofSeconds(5);

	private final TaskRegistry registry;

	private final Map<String, Integer> configured;

	private final Supplier<Map<String, TaskUpcaster>> upcasterSource;

	private volatile @Nullable Map<String, TreeMap<Integer, TaskUpcaster>> upcasters;

	/**
	 * Create the versions of the local handlers, without upcasters.
	 * @param registry the local handlers
	 */
	public TaskVersions(TaskRegistry registry) {
		this(registry, Map.of(), Map::of);
	}

	/**
	 * Create the versions of the local handlers and of configured task names.
	 * @param registry the local handlers, whose versions are sent for their names
	 * @param configured the version to send of task names, taking precedence over those of
	 * local handlers ({@code gtask.versions.tasks})
	 * @param upcasters the upcasters by a name that errors tell, such as their bean names,
	 * asked for once all handlers are registered
	 */
	public TaskVersions(TaskRegistry registry, Map<String, Integer> configured,
			Supplier<Map<String, TaskUpcaster>> upcasters) {
		this.registry = registry;
		this.configured = Map.copyOf(configured);
		this.upcasterSource = upcasters;
	}

	/**
	 * The version a sender writes into the message of a task name: the configured one, else
	 * that of the local handler, else {@value TaskVersion#FIRST}.
	 * @param name the task name
	 * @return the version
	 */
	public int versionToSend(String name) {
		Integer version = this.configured.get(name);
		if (version != null) {
			return version;
		}
		TaskHandlerMethod handler = this.registry.find(name);
		return (handler != null) ? handler.getVersion() : TaskVersion.FIRST;
	}

	/**
	 * Turn the arguments of a task from an older version into a newer one, one upcaster at a
	 * time.
	 * @param name the task name
	 * @param from the version of the arguments
	 * @param to the version wanted
	 * @param args the arguments, left unchanged
	 * @return the arguments of version {@code to}
	 * @throws TaskVersionException if an upcaster is missing, throws or returns nothing,
	 * naming the versions
	 */
	public ArrayNode upcast(String name, int from, int to, ArrayNode args) {
		TreeMap<Integer, TaskUpcaster> chain = upcasters().get(name);
		ArrayNode current = args;
		for (int version = from; version < to; version++) {
			TaskUpcaster upcaster = (chain != null) ? chain.get(version) : null;
			if (upcaster == null) {
				throw new TaskVersionException("Arguments of version " + from + " were sent but the handler of task '"
						+ name + "' takes version " + to + ", and no upcaster turns version " + version
						+ " into version " + (version + 1));
			}
			ArrayNode next;
			try {
				next = upcaster.upcast(current.deepCopy());
			}
			catch (RuntimeException ex) {
				throw new TaskVersionException("Upcasting the arguments of task '" + name + "' from version " + version
						+ " to version " + (version + 1) + " failed: " + ex, ex);
			}
			if (next == null) {
				throw new TaskVersionException("Upcasting the arguments of task '" + name + "' from version "
						+ version + " to version " + (version + 1) + " returned no arguments");
			}
			current = next;
		}
		return current;
	}

	@Override
	public void afterSingletonsInstantiated() {
		validate();
	}

	/**
	 * Read and check the upcasters, and the configured versions against the local handlers.
	 * @throws TaskHandlerDefinitionException naming the task and the versions that do not fit
	 */
	public void validate() {
		this.configured.forEach((name, version) -> {
			if (version < TaskVersion.FIRST) {
				throw new TaskHandlerDefinitionException("gtask.versions.tasks." + name + " is " + version
						+ "; a version is " + TaskVersion.FIRST + " or more");
			}
			TaskHandlerMethod handler = this.registry.find(name);
			if (handler != null && version > handler.getVersion()) {
				throw new TaskHandlerDefinitionException("gtask.versions.tasks." + name + " is " + version
						+ " but the local handler of task '" + name + "' takes version " + handler.getVersion()
						+ "; an application may send an older version than its handler's, not a newer one");
			}
		});
		this.upcasters = check(this.upcasterSource.get());
	}

	private Map<String, TreeMap<Integer, TaskUpcaster>> upcasters() {
		Map<String, TreeMap<Integer, TaskUpcaster>> upcasters = this.upcasters;
		if (upcasters == null) {
			synchronized (this) {
				if (this.upcasters == null) {
					this.upcasters = check(this.upcasterSource.get());
				}
				upcasters = this.upcasters;
			}
		}
		return upcasters;
	}

	private Map<String, TreeMap<Integer, TaskUpcaster>> check(Map<String, TaskUpcaster> upcasters) {
		Map<String, TreeMap<Integer, TaskUpcaster>> byName = new TreeMap<>();
		Map<TaskUpcaster, String> names = new IdentityHashMap<>();
		for (Map.Entry<String, TaskUpcaster> entry : upcasters.entrySet()) {
			TaskUpcaster upcaster = entry.getValue();
			names.put(upcaster, entry.getKey());
			String name = upcaster.taskName();
			int from = upcaster.fromVersion();
			TaskHandlerMethod handler = this.registry.find(name);
			if (handler == null) {
				throw new TaskHandlerDefinitionException("Upcaster '" + entry.getKey() + "' of task '" + name
						+ "' from version " + from + ": there is no handler of task '" + name + "' in this application");
			}
			if (from < TaskVersion.FIRST) {
				throw new TaskHandlerDefinitionException("Upcaster '" + entry.getKey() + "' of task '" + name
						+ "' from version " + from + ": versions start at " + TaskVersion.FIRST);
			}
			if (from >= handler.getVersion()) {
				throw new TaskHandlerDefinitionException("Upcaster '" + entry.getKey() + "' of task '" + name
						+ "' from version " + from + " to version " + (from + 1) + " goes above the version "
						+ handler.getVersion() + " of its handler " + handler.getMethod().toGenericString());
			}
			TaskUpcaster existing = byName.computeIfAbsent(name, (key) -> new TreeMap<>()).putIfAbsent(from, upcaster);
			if (existing != null) {
				throw new TaskHandlerDefinitionException("Two upcasters of task '" + name + "' from version " + from
						+ ": '" + names.get(existing) + "' and '" + entry.getKey() + "'");
			}
		}
		byName.forEach((name, chain) -> {
			int version = this.registry.find(name).getVersion();
			List<Integer> missing = new ArrayList<>();
			for (int from = chain.firstKey(); from < version; from++) {
				if (!chain.containsKey(from)) {
					missing.add(from);
				}
			}
			if (!missing.isEmpty()) {
				throw new TaskHandlerDefinitionException("The upcasters of task '" + name + "' go from version "
						+ chain.firstKey() + " towards the handler's version " + version
						+ " with a gap: there is no upcaster from version "
						+ String.join(", ", missing.stream().map(String::valueOf).toList()));
			}
		});
		return byName;
	}

}
