package io.gtask.registry;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.CompletionStage;

import io.gtask.core.ArgumentBindingException;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandlerDefinitionException;
import io.gtask.core.TaskLimit;
import io.gtask.core.TaskVersion;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.ReflectionUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * A registered task handler: a bean method with its per-task defaults and the means to bind
 * JSON arguments to its parameters and invoke it.
 */
public final class TaskHandlerMethod {

	private final String name;

	private final Object bean;

	private final Method method;

	private final @Nullable String queue;

	private final @Nullable Duration timeout;

	private final @Nullable Integer maxRetries;

	private final @Nullable Duration backoff;

	private final List<Class<? extends Throwable>> noRetryFor;

	private @Nullable CronExpression cron;

	private @Nullable ZoneId zone;

	private final Type[] parameterTypes;

	private final boolean[] contextParameters;

	private final String[] parameterNames;

	private final int argumentCount;

	private final String signature;

	private @Nullable JavaType[] javaTypes;

	private TaskLimit limit = new TaskLimit(0, 0, 0, null);

	private boolean manualCommit;

	private int version = TaskVersion.FIRST;

	/**
	 * Create a handler method.
	 * @param name the task name
	 * @param bean the bean (possibly a proxy) to invoke the method on
	 * @param method the method, invocable on the bean
	 * @param queue the default queue, or {@code null}
	 * @param timeout the default timeout, or {@code null}
	 * @param maxRetries the default number of retries, or {@code null}
	 * @param backoff the delay before the first retry, or {@code null}
	 * @param noRetryFor exception types not retried
	 * @throws TaskHandlerDefinitionException if the method cannot be a task handler
	 */
	public TaskHandlerMethod(String name, Object bean, Method method, @Nullable String queue,
			@Nullable Duration timeout, @Nullable Integer maxRetries, @Nullable Duration backoff,
			List<Class<? extends Throwable>> noRetryFor) {
		this.name = name;
		this.bean = bean;
		this.method = method;
		this.queue = queue;
		this.timeout = timeout;
		this.maxRetries = maxRetries;
		this.backoff = backoff;
		this.noRetryFor = List.copyOf(noRetryFor);
		if (Modifier.isStatic(method.getModifiers())) {
			throw invalid("must not be static");
		}
		Class<?> returnType = method.getReturnType();
		if (Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType)) {
			throw invalid("must return its result, not a " + returnType.getSimpleName()
					+ " (the container already runs handlers on worker threads)");
		}
		int count = method.getParameterCount();
		this.parameterTypes = new Type[count];
		this.contextParameters = new boolean[count];
		this.parameterNames = new String[count];
		int arguments = 0;
		List<String> described = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			Class<?> type = parameter.getParameterType();
			if (TaskContext.class.equals(type)) {
				this.contextParameters[i] = true;
			}
			else if (TaskContext.class.isAssignableFrom(type)) {
				throw invalid("declares parameter " + i + " of type " + type.getName()
						+ "; declare TaskContext itself to have the context injected");
			}
			else {
				ResolvableType resolvable = ResolvableType.forMethodParameter(parameter);
				if (resolvable.hasUnresolvableGenerics() && resolvable.resolve() == null) {
					throw invalid("declares parameter " + i + " of a type that cannot be resolved: " + resolvable);
				}
				this.parameterTypes[i] = parameter.getGenericParameterType();
				this.parameterNames[i] = (parameter.getParameterName() != null) ? parameter.getParameterName()
						: "arg" + i;
				described.add(type.getSimpleName() + " " + this.parameterNames[i]);
				arguments++;
			}
		}
		this.argumentCount = arguments;
		this.signature = "(" + String.join(", ", described) + ")";
		ReflectionUtils.makeAccessible(method);
	}

	private TaskHandlerDefinitionException invalid(String reason) {
		return new TaskHandlerDefinitionException(
				"@TaskHandler method " + this.method.toGenericString() + " for task '" + this.name + "' " + reason);
	}

	/**
	 * Set whether the handler commits the outcome of its tasks itself.
	 * @param manualCommit whether it does
	 */
	public void setManualCommit(boolean manualCommit) {
		this.manualCommit = manualCommit;
	}

	/**
	 * Whether the handler commits the outcome of its tasks itself.
	 * @return whether it does
	 */
	public boolean isManualCommit() {
		return this.manualCommit;
	}

	/**
	 * Set the version of the arguments the handler takes.
	 * @param version the version, 1 or more
	 * @throws TaskHandlerDefinitionException if the version is below 1
	 */
	public void setVersion(int version) {
		if (version < TaskVersion.FIRST) {
			throw invalid("has version " + version + "; versions start at " + TaskVersion.FIRST);
		}
		this.version = version;
	}

	/**
	 * The version of the arguments the handler takes.
	 * @return the version, {@value TaskVersion#FIRST} unless it declares another
	 */
	public int getVersion() {
		return this.version;
	}

	/**
	 * Set the limits on how many tasks of this name run at once and how often they start.
	 * @param limit the limits
	 */
	public void setLimit(TaskLimit limit) {
		this.limit = limit;
	}

	/**
	 * The limits on how many tasks of this name run at once and how often they start.
	 * @return the limits, all 0 when there are none
	 */
	public TaskLimit getLimit() {
		return this.limit;
	}

	/**
	 * The task name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * The bean the method is invoked on.
	 * @return the bean
	 */
	public Object getBean() {
		return this.bean;
	}

	/**
	 * The handler method.
	 * @return the method
	 */
	public Method getMethod() {
		return this.method;
	}

	/**
	 * The queue the task goes to when the sender names none, if the handler chose one.
	 * @return the queue or {@code null}
	 */
	public @Nullable String getQueue() {
		return this.queue;
	}

	/**
	 * The handler's timeout, if it chose one.
	 * @return the timeout or {@code null}
	 */
	public @Nullable Duration getTimeout() {
		return this.timeout;
	}

	/**
	 * The handler's number of retries, if it chose one.
	 * @return the number or {@code null}
	 */
	public @Nullable Integer getMaxRetries() {
		return this.maxRetries;
	}

	/**
	 * The handler's delay before the first retry, if it chose one.
	 * @return the delay or {@code null}
	 */
	public @Nullable Duration getBackoff() {
		return this.backoff;
	}

	/**
	 * Exception types the handler asked not to retry.
	 * @return the types
	 */
	public List<Class<? extends Throwable>> getNoRetryFor() {
		return this.noRetryFor;
	}

	/**
	 * Make the task periodic, or not.
	 * @param cron the cron expression on which the task is sent periodically, or {@code null}
	 * @param zone the zone of the cron expression, or {@code null} for the system default
	 * @throws TaskHandlerDefinitionException if the method takes arguments (a periodic task is
	 * sent without any) or a zone is given without a cron
	 */
	public void setSchedule(@Nullable CronExpression cron, @Nullable ZoneId zone) {
		if (cron != null && this.argumentCount > 0) {
			throw invalid("has cron '" + cron + "' but takes arguments " + this.signature
					+ "; a periodic task is sent without arguments, so it may declare only a TaskContext parameter");
		}
		if (zone != null && cron == null) {
			throw invalid("has zone '" + zone + "' but no cron; the zone is only used to evaluate a cron expression");
		}
		this.cron = cron;
		this.zone = zone;
	}

	/**
	 * The cron expression on which the task is sent periodically, if the handler has one.
	 * @return the expression or {@code null}
	 */
	public @Nullable CronExpression getCron() {
		return this.cron;
	}

	/**
	 * The zone in which the {@linkplain #getCron() cron expression} is evaluated, if the
	 * handler chose one.
	 * @return the zone or {@code null} for the system default zone
	 */
	public @Nullable ZoneId getZone() {
		return this.zone;
	}

	/**
	 * The parameters that take arguments, for messages: {@code (int a, int b)}.
	 * @return the description
	 */
	public String getSignature() {
		return this.signature;
	}

	/**
	 * Bind JSON arguments to the method's parameters.
	 * @param jsonMapper the mapper
	 * @param args the arguments
	 * @param context the context to inject
	 * @return the values to invoke the method with
	 * @throws ArgumentBindingException naming the argument that does not bind
	 */
	public @Nullable Object[] bind(JsonMapper jsonMapper, ArrayNode args, TaskContext context) {
		if (args.size() != this.argumentCount) {
			throw new ArgumentBindingException("Task '" + this.name + "' takes " + this.argumentCount
					+ " argument(s) " + this.signature + " but was sent " + args.size());
		}
		JavaType[] types = javaTypes(jsonMapper);
		Object[] values = new Object[this.parameterTypes.length];
		int next = 0;
		for (int i = 0; i < values.length; i++) {
			if (this.contextParameters[i]) {
				values[i] = context;
				continue;
			}
			JsonNode arg = args.get(next++);
			JavaType type = types[i];
			if ((arg == null || arg.isNull()) && type.isPrimitive()) {
				throw new ArgumentBindingException("Argument " + next + " of task '" + this.name + "' " + this.signature
						+ " is null but parameter '" + this.parameterNames[i] + "' is a primitive "
						+ type.getRawClass().getName());
			}
			try {
				values[i] = jsonMapper.treeToValue(arg, type);
			}
			catch (JacksonException ex) {
				throw new ArgumentBindingException("Argument " + next + " of task '" + this.name + "' "
						+ this.signature + " does not bind to " + type.toCanonical() + " " + this.parameterNames[i]
						+ path(this.parameterNames[i], ex) + ": " + ex.getOriginalMessage(),
						ex);
			}
		}
		return values;
	}

	// names the part of a record, bean or collection argument that did not bind, as in "at invoice.lines[1].price"
	private static String path(String parameterName, JacksonException ex) {
		if (ex.getPath().isEmpty()) {
			return "";
		}
		StringBuilder path = new StringBuilder(" at ").append(parameterName);
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append('.').append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private JavaType[] javaTypes(JsonMapper jsonMapper) {
		JavaType[] types = this.javaTypes;
		if (types == null) {
			types = new JavaType[this.parameterTypes.length];
			for (int i = 0; i < types.length; i++) {
				if (!this.contextParameters[i]) {
					types[i] = jsonMapper.getTypeFactory().constructType(this.parameterTypes[i]);
				}
			}
			this.javaTypes = types;
		}
		return types;
	}

	/**
	 * Invoke the method.
	 * @param values the bound values
	 * @return the return value
	 * @throws Throwable whatever the method throws
	 */
	public @Nullable Object invoke(@Nullable Object[] values) throws Throwable {
		try {
			return this.method.invoke(this.bean, values);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	@Override
	public String toString() {
		return "TaskHandlerMethod '" + this.name + "' " + this.method.toGenericString();
	}

}
