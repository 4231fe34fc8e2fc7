package io.gtask.registry;

import java.lang.reflect.Method;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.gtask.core.TaskHandler;
import io.gtask.core.TaskHandlerDefinitionException;
import io.gtask.core.TaskLimit;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.StringUtils;

/**
 * Registers every {@link TaskHandler} method of the application's beans in the
 * {@link TaskRegistry}, failing startup on a duplicate name or an unsupported signature.
 * <p>
 * The {@code cron} and {@code zone} attributes may hold {@code ${...}} placeholders, resolved
 * like those of {@code @Scheduled}; a cron of {@code "-"} means no schedule.
 */
public class TaskHandlerAnnotationBeanPostProcessor implements BeanPostProcessor, BeanFactoryAware {

	private static final LogAccessor logger = new LogAccessor(TaskHandlerAnnotationBeanPostProcessor.class);

	/**
	 * A cron that means no schedule, as for {@code @Scheduled}, for a cron set by a placeholder.
	 */
	private static final String CRON_DISABLED = "-";

	private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();

	private @Nullable BeanFactory beanFactory;

	private @Nullable TaskRegistry registry;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof TaskRegistry) {
			return bean;
		}
		Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
		if (this.nonAnnotatedClasses.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, TaskHandler.class)) {
			return bean;
		}
		Map<Method, TaskHandler> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<TaskHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, TaskHandler.class));
		if (methods.isEmpty()) {
			this.nonAnnotatedClasses.add(targetClass);
			return bean;
		}
		TaskRegistry registry = registry();
		methods.forEach((method, annotation) -> {
			TaskHandlerMethod handler = createHandler(bean, beanName, method, annotation);
			applySchedule(handler, method, annotation);
			registry.register(handler);
			logger.debug(() -> "Registered " + handler);
		});
		return bean;
	}

	private TaskRegistry registry() {
		if (this.registry == null) {
			if (this.beanFactory == null) {
				throw new IllegalStateException("No BeanFactory to find the TaskRegistry in");
			}
			this.registry = this.beanFactory.getBean(TaskRegistry.class);
		}
		return this.registry;
	}

	private TaskHandlerMethod createHandler(Object bean, String beanName, Method method, TaskHandler annotation) {
		String name = StringUtils.hasText(annotation.value()) ? annotation.value().trim()
				: beanName + "." + method.getName();
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new TaskHandlerDefinitionException("@TaskHandler method " + method.toGenericString()
					+ " for task '" + name + "' cannot be invoked on bean '" + beanName + "': " + ex.getMessage(), ex);
		}
		if (annotation.maxRetries() < -1) {
			throw new TaskHandlerDefinitionException("@TaskHandler method " + method.toGenericString()
					+ " for task '" + name + "' has maxRetries " + annotation.maxRetries() + "; use 0 or more");
		}
		TaskHandlerMethod handler = new TaskHandlerMethod(name, bean, invocable,
				StringUtils.hasText(annotation.queue()) ? annotation.queue().trim() : null,
				duration(annotation.timeout(), "timeout", method, name),
				(annotation.maxRetries() >= 0) ? annotation.maxRetries() : null,
				duration(annotation.backoff(), "backoff", method, name), Arrays.asList(annotation.noRetryFor()));
		handler.setLimit(limit(annotation, method, name));
		handler.setManualCommit(annotation.manualCommit());
		handler.setVersion(annotation.version());
		return handler;
	}

	private static TaskLimit limit(TaskHandler annotation, Method method, String name) {
		if (annotation.concurrency() < 0 || annotation.localConcurrency() < 0) {
			throw new TaskHandlerDefinitionException("@TaskHandler method " + method.toGenericString() + " for task '"
					+ name + "' has a negative concurrency limit; use 0 for none");
		}
		int rate = 0;
		Duration period = null;
		String rateLimit = annotation.rateLimit().trim();
		if (!rateLimit.isEmpty()) {
			try {
				int slash = rateLimit.indexOf('/');
				if (slash < 0) {
					throw new IllegalArgumentException("expected <count>/<duration>");
				}
				rate = Integer.parseInt(rateLimit.substring(0, slash).trim());
				period = DurationStyle.detectAndParse(rateLimit.substring(slash + 1).trim());
				if (rate <= 0 || period.toMillis() <= 0) {
					throw new IllegalArgumentException("count and duration must be positive");
				}
			}
			catch (IllegalArgumentException | DateTimeParseException ex) {
				throw new TaskHandlerDefinitionException("@TaskHandler method " + method.toGenericString()
						+ " for task '" + name + "' has an invalid rateLimit '" + rateLimit
						+ "' (expected <count>/<duration> such as 100/1m): " + ex.getMessage());
			}
		}
		return new TaskLimit(annotation.concurrency(), annotation.localConcurrency(), rate, period);
	}

	private static @Nullable Duration duration(String value, String attribute, Method method, String name) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		try {
			Duration duration = DurationStyle.detectAndParse(value.trim());
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException("must be positive");
			}
			return duration;
		}
		catch (IllegalArgumentException | DateTimeParseException ex) {
			throw new TaskHandlerDefinitionException("@TaskHandler method " + method.toGenericString() + " for task '"
					+ name + "' has an invalid " + attribute + " '" + value + "': " + ex.getMessage());
		}
	}

	private void applySchedule(TaskHandlerMethod handler, Method method, TaskHandler annotation) {
		String cron = resolve(annotation.cron());
		if (CRON_DISABLED.equals(cron)) {
			return;
		}
		handler.setSchedule(cron(cron, method, handler.getName()),
				zone(resolve(annotation.zone()), method, handler.getName()));
	}

	private String resolve(String value) {
		if (StringUtils.hasText(value) && this.beanFactory instanceof ConfigurableBeanFactory configurable) {
			String resolved = configurable.resolveEmbeddedValue(value);
			return (resolved != null) ? resolved.trim() : "";
		}
		return value.trim();
	}

	private static @Nullable CronExpression cron(String value, Method method, String name) {
		if (value.isEmpty()) {
			return null;
		}
		try {
			return CronExpression.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new TaskHandlerDefinitionException("@TaskHandler method " + method.toGenericString() + " for task '"
					+ name + "' has an invalid cron '" + value + "': " + ex.getMessage()
					+ " (six fields, seconds first, e.g. '0 */5 * * * *')");
		}
	}

	private static @Nullable ZoneId zone(String value, Method method, String name) {
		if (value.isEmpty()) {
			return null;
		}
		try {
			return ZoneId.of(value);
		}
		catch (DateTimeException ex) {
			throw new TaskHandlerDefinitionException("@TaskHandler method " + method.toGenericString() + " for task '"
					+ name + "' has an invalid zone '" + value + "': " + ex.getMessage());
		}
	}

}
