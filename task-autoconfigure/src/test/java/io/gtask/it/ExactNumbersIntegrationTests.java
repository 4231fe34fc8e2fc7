package io.gtask.it;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.gtask.autoconfigure.GTaskJdbcBackendAutoConfiguration;
import io.gtask.autoconfigure.GTaskMongoBackendAutoConfiguration;
import io.gtask.core.ArgumentBindingException;
import io.gtask.core.DeadLetters;
import io.gtask.core.GTaskException;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskContext;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.test.TestMongo;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Numbers keep their exact value and scale on the whole way of a task, as arguments and as
 * results, with every result backend; and an argument that would bind only by losing part of
 * its value fails its task instead.
 */
class ExactNumbersIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final BigDecimal THIRTY_EIGHT_DIGITS = new BigDecimal("12345678901234567890.123456789012345678");

	private static final BigInteger BEYOND_LONG = new BigInteger("123456789012345678901234567890");

	private static final long BEYOND_DOUBLE = (1L << 53) + 1;

	static Stream<Arguments> backends() {
		ApplicationContextRunner redis = GTaskTestSupport.runner().withUserConfiguration(NumberHandlers.class);
		ApplicationContextRunner jdbc = redis
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, GTaskJdbcBackendAutoConfiguration.class))
			.withPropertyValues("gtask.backend.type=jdbc", "gtask.result.poll-interval=100ms");
		ApplicationContextRunner mongo = redis
			.withConfiguration(AutoConfigurations.of(MongoAutoConfiguration.class, DataMongoAutoConfiguration.class,
					GTaskMongoBackendAutoConfiguration.class))
			.withPropertyValues("gtask.backend.type=mongo", "spring.mongodb.uri=" + TestMongo.get().uri(),
					"gtask.backend.mongo.collection=" + TestMongo.uniqueCollection(),
					"gtask.result.poll-interval=100ms");
		return Stream.of(Arguments.of("redis", redis), Arguments.of("jdbc-h2", jdbc), Arguments.of("mongo", mongo));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("backends")
	void bigDecimalsKeepEveryDigitAndTheirScale(String backend, ApplicationContextRunner runner) {
		run(runner, (client) -> {
			for (BigDecimal value : List.of(THIRTY_EIGHT_DIGITS, new BigDecimal("10.50"), new BigDecimal("-0.000"),
					new BigDecimal("1E+3"), new BigDecimal("-9.99E-40"))) {
				String id = client.send("decimal", value);
				assertThat(client.await(id, WAIT, BigDecimal.class)).as("%s", value).isEqualTo(value);
				assertThat(client.result(id, BigDecimal.class)).isEqualTo(value);
				TaskInfo info = client.info(id);
				assertThat(new BigDecimal(info.result())).as("%s", value).isEqualTo(value);
				assertThat(info.args()).isEqualTo("[" + value + "]");
			}
			// the handler saw the scale that was sent, not one rounded on the way
			assertThat(client.await(client.send("scale", new BigDecimal("10.50")), WAIT, Integer.class)).isEqualTo(2);
			assertThat(client.await(client.send("scale", new BigDecimal("1E+3")), WAIT, Integer.class)).isEqualTo(-3);
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("backends")
	void integersBeyondLongAndLongsBeyondADoubleAreExact(String backend, ApplicationContextRunner runner) {
		run(runner, (client) -> {
			String big = client.send("integer", BEYOND_LONG);
			assertThat(client.await(big, WAIT, BigInteger.class)).isEqualTo(BEYOND_LONG);
			assertThat(client.info(big).result()).isEqualTo(BEYOND_LONG.toString());
			for (long value : List.of(BEYOND_DOUBLE, Long.MAX_VALUE, Long.MIN_VALUE)) {
				String id = client.send("long", value);
				assertThat(client.await(id, WAIT, Long.class)).isEqualTo(value);
				assertThat(client.info(id).result()).isEqualTo(Long.toString(value));
			}
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("backends")
	void recordsHoldingExactNumbersKeepThem(String backend, ApplicationContextRunner runner) {
		run(runner, (client) -> {
			Amounts amounts = new Amounts(THIRTY_EIGHT_DIGITS, new BigDecimal("10.50"), BEYOND_LONG, BEYOND_DOUBLE,
					List.of(new BigDecimal("1E+3"), new BigDecimal("0.10")));
			String id = client.send("amounts", amounts);
			assertThat(client.await(id, WAIT, Amounts.class)).isEqualTo(amounts);
			assertThat(client.info(id).result()).contains("12345678901234567890.123456789012345678", "10.50",
					BEYOND_LONG.toString(), Long.toString(BEYOND_DOUBLE), "1E+3", "0.10");
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("backends")
	void retriedAndResentTasksKeepTheirExactArguments(String backend, ApplicationContextRunner runner) {
		runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			// the message of a retry and of a re-sent dead letter is read and written again
			String retried = client.send(TaskRequest.of("failOnce")
				.args(THIRTY_EIGHT_DIGITS)
				.maxRetries(1)
				.backoff(Duration.ofMillis(100))
				.build());
			assertThat(client.await(retried, WAIT, BigDecimal.class)).isEqualTo(THIRTY_EIGHT_DIGITS);
			assertThat(client.info(retried).attempts()).isEqualTo(2);
			String resent = client.send(TaskRequest.of("failOnce").args(new BigDecimal("10.50")).maxRetries(0).build());
			assertThat(client.awaitCompletion(resent, WAIT).status()).isEqualTo(TaskStatus.FAILURE);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			await().atMost(WAIT)
				.until(() -> deadLetters.list("default", 0, 100)
					.stream()
					.anyMatch((letter) -> resent.equals(letter.taskId())));
			String letterId = deadLetters.list("default", 0, 100)
				.stream()
				.filter((letter) -> resent.equals(letter.taskId()))
				.findFirst()
				.orElseThrow()
				.id();
			assertThat(deadLetters.requeue("default", letterId)).contains(resent);
			await().atMost(WAIT).until(() -> client.status(resent) == TaskStatus.SUCCESS);
			assertThat(client.result(resent, BigDecimal.class)).isEqualTo(new BigDecimal("10.50"));
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("backends")
	void lossyArgumentsFailTheirTaskNamingTheParameter(String backend, ApplicationContextRunner runner) {
		runner.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String truncated = client.send("int", 1.9);
			assertBindingFailure(client, truncated, "Argument 1", "int value");
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(context.getBean(DeadLetters.class).list("default", 0, 100))
					.anySatisfy((letter) -> {
						assertThat(letter.taskId()).isEqualTo(truncated);
						assertThat(letter.errorType()).isEqualTo(ArgumentBindingException.class.getName());
					}));
			assertBindingFailure(client, client.send("int", 1L << 40), "Argument 1", "int value");
			assertBindingFailure(client, client.send("byte", 300), "Argument 1", "byte value");
			assertBindingFailure(client, client.send("byte", 200), "Argument 1", "byte value");
			assertBindingFailure(client, client.send("long", new BigDecimal("2.5")), "Argument 1", "long value");
			assertBindingFailure(client, client.send("long", new BigInteger("9223372036854775808")), "Argument 1",
					"long value");
			assertBindingFailure(client, client.send("integer", new BigDecimal("1.5")), "Argument 1",
					"BigInteger value");
			assertBindingFailure(client, client.send("int", "1.9"), "Argument 1", "int value");
			assertBindingFailure(client, client.send("int", (Object) null), "Argument 1", "int value");
			assertBindingFailure(client, client.send("amounts", Map.of("count", 1.5, "id", 1, "scales", List.of())),
					"Argument 1", "Amounts amounts at amounts.count:");
			assertBindingFailure(client, client.send("amounts", Map.of("id", 2.5, "scales", List.of())), "Argument 1",
					"Amounts amounts at amounts.id:");
			assertBindingFailure(client, client.send("amounts", Map.of("id", 3, "scales", List.of(1, "x"))),
					"Argument 1", "Amounts amounts at amounts.scales[1]:");
			Map<String, @Nullable Object> nullId = new HashMap<>();
			nullId.put("id", null);
			assertBindingFailure(client, client.send("amounts", nullId), "Argument 1", "Amounts amounts at amounts.id:");
			// a number with a fraction part is never an integer, even when the fraction is zero
			assertBindingFailure(client, client.send("int", new BigDecimal("7.00")), "Argument 1", "int value");
			assertThat(client.await(client.send("int", 7), WAIT, Integer.class)).isEqualTo(7);
			assertThat(client.await(client.send("int", "12"), WAIT, Integer.class)).isEqualTo(12);
			assertThat(client.await(client.send("byte", -128), WAIT, Byte.class)).isEqualTo((byte) -128);
			assertThat(client.await(client.send("double", THIRTY_EIGHT_DIGITS), WAIT, Double.class))
				.isEqualTo(THIRTY_EIGHT_DIGITS.doubleValue());
			// a result is read back by the same rules
			String fraction = client.send("double", 1.9);
			assertThat(client.await(fraction, WAIT, Double.class)).isEqualTo(1.9);
			assertThatExceptionOfType(GTaskException.class).isThrownBy(() -> client.result(fraction, Integer.class))
				.withMessageContaining(fraction)
				.withMessageContaining("java.lang.Integer");
		});
	}

	@Test
	void applicationMapperIsLeftAsItIsAndItsSettingsApplyToTasks() {
		GTaskTestSupport.runner().withPropertyValues("spring.jackson.serialization.indent-output=true").run((context) -> {
			JsonMapper application = context.getBean(JsonMapper.class);
			JsonMapper tasks = context.getBean(TaskMessageCodec.class).getJsonMapper();
			assertThat(application.isEnabled(DeserializationFeature.ACCEPT_FLOAT_AS_INT)).isTrue();
			assertThat(application.isEnabled(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)).isFalse();
			assertThat(tasks.isEnabled(DeserializationFeature.ACCEPT_FLOAT_AS_INT)).isFalse();
			assertThat(tasks.isEnabled(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)).isTrue();
			assertThat(application.isEnabled(SerializationFeature.INDENT_OUTPUT)).isTrue();
			assertThat(tasks.isEnabled(SerializationFeature.INDENT_OUTPUT)).isTrue();
		});
	}

	private static void assertBindingFailure(TaskClient client, String id, String argument, String parameter) {
		TaskInfo info = client.awaitCompletion(id, WAIT);
		assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
		assertThat(info.error().type()).isEqualTo(ArgumentBindingException.class.getName());
		assertThat(info.error().message()).contains(argument).contains(parameter);
	}

	private static void run(ApplicationContextRunner runner, Consumer<TaskClient> test) {
		runner.run((context) -> test.accept(context.getBean(TaskClient.class)));
	}

	/**
	 * Exact numbers held by a record.
	 * @param price a decimal with many digits
	 * @param rate a decimal with a trailing zero
	 * @param count an integer beyond a long
	 * @param id a long beyond what a double holds exactly
	 * @param scales decimals with positive and negative scales
	 */
	public record Amounts(@Nullable BigDecimal price, @Nullable BigDecimal rate, @Nullable BigInteger count, long id,
			List<BigDecimal> scales) {
	}

	@Configuration(proxyBeanMethods = false)
	static class NumberHandlers {

		@Bean
		Handlers numberHandlers() {
			return new Handlers();
		}

	}

	static class Handlers {

		@TaskHandler("decimal")
		BigDecimal decimal(BigDecimal value) {
			return value;
		}

		@TaskHandler("scale")
		int scale(BigDecimal value) {
			return value.scale();
		}

		@TaskHandler("integer")
		BigInteger integer(BigInteger value) {
			return value;
		}

		@TaskHandler("long")
		long longValue(long value) {
			return value;
		}

		@TaskHandler("int")
		int intValue(int value) {
			return value;
		}

		@TaskHandler("byte")
		byte byteValue(byte value) {
			return value;
		}

		@TaskHandler("double")
		double doubleValue(double value) {
			return value;
		}

		private final Set<String> failed = ConcurrentHashMap.newKeySet();

		@TaskHandler("failOnce")
		BigDecimal failOnce(BigDecimal value, TaskContext context) {
			if (this.failed.add(context.id())) {
				throw new IllegalStateException("first attempt of " + context.id());
			}
			return value;
		}

		@TaskHandler("amounts")
		Amounts amounts(Amounts amounts) {
			return amounts;
		}

	}

}
