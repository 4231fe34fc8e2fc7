package io.gtask.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

/**
 * Run an application's tasks in the test's own JVM, with no Redis: the {@link
 * io.gtask.core.TaskClient} the application injects is an {@link InProcessTasks}, which the
 * test injects too, to see what was sent and to run it. gtask's Redis parts (broker, worker,
 * result backend, dashboard, metrics) are not configured.
 * <pre class="code">
 * &#064;SpringBootTest
 * &#064;AutoConfigureInProcessTasks
 * class OrderServiceTests {
 *
 *     &#064;Autowired OrderService orders;
 *     &#064;Autowired InProcessTasks tasks;
 *
 *     &#064;Test
 *     void placingAnOrderShipsIt() {
 *         orders.place(new OrderForm("book"));
 *         assertThat(tasks.sent("ship")).singleElement().satisfies((t) -&gt; assertThat(t.args()).containsExactly(1L));
 *         tasks.drain();
 *         ...
 *     }
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration(InProcessTasksAutoConfiguration.class)
@PropertyMapping("gtask.test.in-process")
public @interface AutoConfigureInProcessTasks {

	/**
	 * When the tasks run: as each is sent, or when the test calls {@link InProcessTasks#drain()}.
	 * @return when tasks run
	 */
	InProcessTasks.Run run() default InProcessTasks.Run.ON_DRAIN;

}
