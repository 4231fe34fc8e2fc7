package io.gtask.it;

import java.time.Duration;

import io.gtask.autoconfigure.GTaskAutoConfiguration;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskHandler;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * An application run in a JVM of its own by {@link VirtualThreadsIntegrationTests}: it runs
 * one task and prints the thread its handler ran on.
 */
@SpringBootConfiguration
@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
		GTaskAutoConfiguration.class })
public class VirtualThreadsApp {

	@Bean
	ThreadHandler threadHandler() {
		return new ThreadHandler();
	}

	public static void main(String[] args) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(VirtualThreadsApp.class)
			.web(WebApplicationType.NONE)
			.run(args)) {
			TaskClient client = context.getBean(TaskClient.class);
			String thread = client.await(client.send("thread.kind"), Duration.ofSeconds(30), String.class);
			System.out.println("HANDLER-THREAD=" + thread);
		}
		System.exit(0);
	}

	static class ThreadHandler {

		@TaskHandler("thread.kind")
		public String kind() {
			return Thread.currentThread().toString();
		}

	}

}
