package io.gtask.autoconfigure;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gtask.core.ArgumentBindingException;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskMessageRules;
import io.gtask.periodic.MissedTickPolicy;
import io.gtask.periodic.PeriodicSchedule;
import io.gtask.registry.TaskHandlerMethod;
import io.gtask.registry.TaskRegistry;
import io.gtask.send.TaskRouter;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.StringUtils;
import tools.jackson.core.JacksonException;

/**
 * Turns the {@code @TaskHandler} methods with a cron and the {@code gtask.periodic.schedules.*}
 * properties into {@link PeriodicSchedule schedules}. The properties are checked when this is
 * created, so that a bad cron or a missing task name fails startup with the property's name;
 * the handlers are read when the schedules are resolved, once every bean is registered.
 */
final class PeriodicScheduleResolver {

	private static final LogAccessor logger = new LogAccessor(PeriodicScheduleResolver.class);

	private static final String SCHEDULES = "gtask.periodic.schedules";

	private final GTaskProperties properties;

	private final TaskRegistry registry;

	private final TaskRouter router;

	private final TaskMessageCodec codec;

	private final Map<String, Configured> configured = new LinkedHashMap<>();

	PeriodicScheduleResolver(GTaskProperties properties, TaskRegistry registry, TaskRouter router,
			TaskMessageCodec codec) {
		this.properties = properties;
		this.registry = registry;
		this.router = router;
		this.codec = codec;
		PeriodicProperties periodic = properties.getPeriodic();
		if (periodic.getGrace().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("gtask.periodic.grace", periodic.getGrace(),
					"The grace period must not be negative");
		}
		periodic.getSchedules().forEach((id, schedule) -> this.configured.put(id, check(id, schedule)));
	}

	private static Configured check(String id, PeriodicProperties.Schedule schedule) {
		String property = SCHEDULES + "." + id;
		if (!StringUtils.hasText(id) || StringUtils.containsWhitespace(id)) {
			throw new InvalidConfigurationPropertyValueException(SCHEDULES, id,
					"The id of periodic schedule '" + id + "' must be non-empty and without white space");
		}
		String task = schedule.getTask();
		if (!StringUtils.hasText(task)) {
			throw new InvalidConfigurationPropertyValueException(property + ".task", task,
					"Periodic schedule '" + id + "' needs the name of the task to send");
		}
		String cronValue = schedule.getCron();
		if (!StringUtils.hasText(cronValue)) {
			throw new InvalidConfigurationPropertyValueException(property + ".cron", cronValue,
					"Periodic schedule '" + id + "' needs a cron expression");
		}
		CronExpression cron;
		try {
			cron = CronExpression.parse(cronValue.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(property + ".cron", cronValue,
					"Periodic schedule '" + id + "' has an invalid cron expression: " + ex.getMessage()
							+ " (six fields, seconds first, e.g. '0 */5 * * * *')");
		}
		String queue = StringUtils.hasText(schedule.getQueue()) ? schedule.getQueue().trim() : null;
		if (queue != null) {
			try {
				TaskMessageRules.validQueue(queue);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(property + ".queue", queue,
						"Periodic schedule '" + id + "': " + ex.getMessage());
			}
		}
		return new Configured(id, task.trim(), cron, schedule.getZone(), new ArrayList<>(schedule.getArgs()), queue,
				schedule.getMissedTicks());
	}

	/**
	 * The schedules of the cron handlers registered now, then those of the properties.
	 * @return the schedules
	 */
	List<PeriodicSchedule> resolve() {
		PeriodicProperties periodic = this.properties.getPeriodic();
		Map<String, PeriodicSchedule> schedules = new LinkedHashMap<>();
		Map<String, TaskHandlerMethod> handlersById = new LinkedHashMap<>();
		List<TaskHandlerMethod> handlers = new ArrayList<>(this.registry.getHandlers());
		handlers.sort(Comparator.comparing(TaskHandlerMethod::getName));
		for (TaskHandlerMethod handler : handlers) {
			CronExpression cron = handler.getCron();
			if (cron != null) {
				ZoneId zone = (handler.getZone() != null) ? handler.getZone() : ZoneId.systemDefault();
				schedules.put(handler.getName(), new PeriodicSchedule(handler.getName(), handler.getName(), cron, zone,
						List.of(), this.router.queueOf(handler.getName()), periodic.getMissedTicks()));
				handlersById.put(handler.getName(), handler);
			}
		}
		for (Configured schedule : this.configured.values()) {
			String property = SCHEDULES + "." + schedule.id();
			TaskHandlerMethod clash = handlersById.get(schedule.id());
			if (clash != null) {
				throw new InvalidConfigurationPropertyValueException(property, schedule.id(),
						"The @TaskHandler method " + clash.getMethod().toGenericString() + " already has a schedule "
								+ "with the id '" + schedule.id() + "' (its cron); give this schedule another id");
			}
			checkArguments(schedule, property);
			schedules.put(schedule.id(),
					new PeriodicSchedule(schedule.id(), schedule.task(), schedule.cron(),
							(schedule.zone() != null) ? schedule.zone() : ZoneId.systemDefault(), schedule.args(),
							this.router.queueOf(schedule.task(), schedule.queue()),
							(schedule.missedTicks() != null) ? schedule.missedTicks() : periodic.getMissedTicks()));
		}
		return List.copyOf(schedules.values());
	}

	/**
	 * Bind the arguments of a schedule to its local handler's parameters now, so that a
	 * mistake fails startup instead of every tick.
	 */
	private void checkArguments(Configured schedule, String property) {
		TaskHandlerMethod handler = this.registry.find(schedule.task());
		if (handler == null) {
			logger.info(() -> "Periodic schedule '" + schedule.id() + "' sends task '" + schedule.task()
					+ "', which has no handler in this application; another application must handle it");
			return;
		}
		try {
			handler.bind(this.codec.getJsonMapper(), this.codec.toArgs(schedule.args()), new StartupContext(handler));
		}
		catch (ArgumentBindingException | JacksonException ex) {
			throw new InvalidConfigurationPropertyValueException(property + ".args", schedule.args(),
					"Periodic schedule '" + schedule.id() + "' has arguments that task '" + schedule.task() + "' "
							+ handler.getSignature() + " cannot take: " + ex.getMessage());
		}
	}

	private record Configured(String id, String task, CronExpression cron, @Nullable ZoneId zone,
			List<@Nullable Object> args, @Nullable String queue, @Nullable MissedTickPolicy missedTicks) {
	}

	/**
	 * Stands in for the context of a task while arguments are checked at startup.
	 */
	private record StartupContext(TaskHandlerMethod handler) implements TaskContext {

		@Override
		public String id() {
			return "startup-check";
		}

		@Override
		public String name() {
			return this.handler.getName();
		}

		@Override
		public String queue() {
			return "startup-check";
		}

		@Override
		public int attempt() {
			return 1;
		}

		@Override
		public int maxRetries() {
			return 0;
		}

		@Override
		public Instant deadline() {
			return Instant.MAX;
		}

		@Override
		public boolean isCancelled() {
			return false;
		}

		@Override
		public boolean isManualCommit() {
			return this.handler.isManualCommit();
		}

		@Override
		public void commit(@Nullable Object result) {
			throw notRunning();
		}

		@Override
		public void commitFailure(Throwable error) {
			throw notRunning();
		}

		@Override
		public void commitRequeue() {
			throw notRunning();
		}

		@Override
		public void progress(double fraction, @Nullable String message, @Nullable Object detail) {
			throw notRunning();
		}

		private IllegalStateException notRunning() {
			return new IllegalStateException("No task is running while arguments are checked at startup");
		}

	}

}
