package io.gtask.registry;

import java.util.concurrent.CompletableFuture;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskHandlerDefinitionException;
import io.gtask.worker.TaskContainer;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Discovery of {@link TaskHandler} methods at startup, and the failures that stop a bad
 * application from starting.
 */
class TaskHandlerRegistrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				GTaskAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1", "gtask.worker.auto-startup=false");

	@Test
	void registersHandlersByAnnotationValueOrBeanAndMethodName() {
		this.runner.withBean("mathTasks", MathTasks.class).run((context) -> {
			TaskRegistry registry = context.getBean(TaskRegistry.class);
			assertThat(registry.find("add")).isNotNull();
			assertThat(registry.find("mathTasks.negate")).isNotNull();
			assertThat(registry.find("add").getSignature()).isEqualTo("(int a, int b)");
			assertThat(registry.find("mathTasks.negate").getSignature()).isEqualTo("(int value)");
			assertThat(registry.find("mathTasks.negate").getQueue()).isEqualTo("math");
			assertThat(registry.getHandlers()).hasSize(2);
		});
	}

	@Test
	void registersHandlersOfProxiedBeansAndInvokesThroughTheProxy() {
		this.runner.withUserConfiguration(ProxiedConfiguration.class).run((context) -> {
			TaskHandlerMethod handler = context.getBean(TaskRegistry.class).find("add");
			assertThat(handler).isNotNull();
			assertThat(handler.getBean()).isSameAs(context.getBean("mathTasks"));
			assertThat(handler.invoke(new Object[] { 2, 3 })).isEqualTo(50);
		});
	}

	@Test
	void duplicateTaskNamesFailStartupNamingBothMethods() {
		this.runner.withBean("mathTasks", MathTasks.class).withBean("otherTasks", DuplicateAdd.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("Duplicate task name 'add'")
				.hasMessageContaining("MathTasks.add(int,int)")
				.hasMessageContaining("DuplicateAdd.add(long,long)");
		});
	}

	@Test
	void handlerReturningAFutureFailsStartup() {
		this.runner.withBean(FutureTasks.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("FutureTasks.later()")
				.hasMessageContaining("must return its result, not a CompletableFuture");
		});
	}

	@Test
	void invalidTimeoutFailsStartup() {
		this.runner.withBean(BadTimeout.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TaskHandlerDefinitionException.class)
				.hasMessageContaining("BadTimeout.run()")
				.hasMessageContaining("invalid timeout 'soon'");
		});
	}

	@Test
	void subtypeOfTaskContextFailsStartup() {
		this.runner.withBean(ContextSubtype.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("declare TaskContext itself");
		});
	}

	@Test
	void contextParametersTakeNoArgument() {
		this.runner.withBean(WithContext.class).run((context) -> {
			TaskHandlerMethod handler = context.getBean(TaskRegistry.class).find("ctx");
			assertThat(handler.getSignature()).isEqualTo("(String name)");
			assertThat(context.getBean(TaskContainer.class).isRunning()).isFalse();
		});
	}

	static class MathTasks {

		@TaskHandler("add")
		int add(int a, int b) {
			return a + b;
		}

		@TaskHandler(queue = "math")
		public int negate(int value) {
			return -value;
		}

	}

	static class DuplicateAdd {

		@TaskHandler("add")
		long add(long a, long b) {
			return a + b;
		}

	}

	static class FutureTasks {

		@TaskHandler("later")
		CompletableFuture<String> later() {
			return CompletableFuture.completedFuture("x");
		}

	}

	static class BadTimeout {

		@TaskHandler(value = "bad", timeout = "soon")
		void run() {
		}

	}

	interface SpecialContext extends TaskContext {

	}

	static class ContextSubtype {

		@TaskHandler("special")
		void run(SpecialContext context) {
		}

	}

	static class WithContext {

		@TaskHandler("ctx")
		String run(TaskContext context, String name) {
			return name;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProxiedConfiguration {

		@Bean
		Object mathTasks() {
			ProxyFactory factory = new ProxyFactory(new MathTasks());
			factory.setProxyTargetClass(true);
			// multiplies every int result by ten, so a test sees the call went through the proxy
			factory.addAdvice((MethodInterceptor) (invocation) -> {
				Object result = invocation.proceed();
				return (result instanceof Integer number) ? number * 10 : result;
			});
			return factory.getProxy();
		}

	}

}
