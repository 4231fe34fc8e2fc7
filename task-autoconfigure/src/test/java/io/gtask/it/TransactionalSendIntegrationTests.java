package io.gtask.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.gtask.autoconfigure.GTaskJdbcBackendAutoConfiguration;
import io.gtask.backend.jdbc.TestDatabase;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskHandler;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tasks sent inside a Spring-managed JDBC transaction: queued after the commit and dropped on a
 * rollback, per send and by the property's default; in durable mode recorded in the
 * transaction itself (an outbox), so that a task exists if and only if the transaction
 * committed, and the reaper queues one whose process died between the commit and the
 * queueing. One subclass per database.
 */
abstract class TransactionalSendIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	static final Set<String> RAN = ConcurrentHashMap.newKeySet();

	private final String orders = "orders_" + UUID.randomUUID().toString().substring(0, 8);

	/**
	 * The database of the test class.
	 * @return the database
	 */
	abstract TestDatabase database();

	@BeforeEach
	void createOrders() {
		RAN.clear();
		new JdbcTemplate(database().dataSource())
			.execute("CREATE TABLE " + this.orders + " (id VARCHAR(64) PRIMARY KEY, task_id VARCHAR(64))");
	}

	@AfterEach
	void dropOrders() {
		new JdbcTemplate(database().dataSource()).execute("DROP TABLE " + this.orders);
	}

	ApplicationContextRunner runner() {
		return GTaskTestSupport.runner()
			.withConfiguration(AutoConfigurations.of(GTaskJdbcBackendAutoConfiguration.class))
			.withBean(DataSource.class, () -> new DelegatingDataSource(database().dataSource()))
			.withUserConfiguration(TransactionConfiguration.class)
			.withBean(OrderHandlers.class)
			.withPropertyValues("gtask.backend.type=jdbc", "gtask.result.poll-interval=100ms",
					"gtask.backend.jdbc.table-prefix=" + database().tablePrefix(),
					"gtask.backend.jdbc.initialize-schema=never",
					"gtask.backend.jdbc.platform=" + database().platform().name().toLowerCase(Locale.ROOT));
	}

	ApplicationContextRunner durable() {
		return runner().withPropertyValues("gtask.durable.enabled=true", "gtask.durable.reaper.period=300ms",
				"gtask.durable.reaper.timeout=2s");
	}

	@Test
	void taskSentInATransactionIsQueuedOnlyAfterItsCommit() {
		runner().run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = transaction(context).execute((status) -> {
				String sent = client.send("order.ship", "o1");
				insertOrder(context, "o1", sent);
				// nothing is recorded nor queued before the commit
				assertThat(client.find(sent)).isEmpty();
				sleep(300);
				assertThat(RAN).isEmpty();
				return sent;
			});
			assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(RAN).containsExactly("o1");
		});
	}

	@Test
	void taskSentInATransactionThatRollsBackIsNeverQueued() {
		runner().run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<String> sent = new ArrayList<>();
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> transaction(context).execute((status) -> {
				sent.add(client.send("order.ship", "o2"));
				insertOrder(context, "o2", sent.get(0));
				throw new IllegalStateException("payment refused");
			}));
			String later = client.send("order.ship", "after");
			assertThat(client.awaitCompletion(later, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(client.find(sent.get(0))).isEmpty();
			assertThat(RAN).containsExactly("after");
			assertThat(orderCount(context)).isZero();
		});
	}

	@Test
	void immediateSendsQueueAtOnceWhateverTheTransactionDoes() {
		runner().run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<String> sent = new ArrayList<>();
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> transaction(context).execute((status) -> {
				sent.add(client.send(TaskRequest.of("order.ship").args("now").immediately().build()));
				sent.add(client.send("order.ship", "held"));
				throw new IllegalStateException("rolled back");
			}));
			assertThat(client.awaitCompletion(sent.get(0), WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(client.find(sent.get(1))).isEmpty();
			assertThat(RAN).containsExactly("now");
		});
		RAN.clear();
		runner().withPropertyValues("gtask.send.in-transaction=immediate").run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<String> sent = new ArrayList<>();
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> transaction(context).execute((status) -> {
				sent.add(client.send("order.ship", "by-default"));
				sent.add(client.send(TaskRequest.of("order.ship").args("held").afterCommit().build()));
				throw new IllegalStateException("rolled back");
			}));
			assertThat(client.awaitCompletion(sent.get(0), WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(client.find(sent.get(1))).isEmpty();
			assertThat(RAN).containsExactly("by-default");
		});
	}

	@Test
	void manyTasksOfOneTransactionAreQueuedTogetherAndANestedTransactionQueuesItsOwn() {
		runner().run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			TransactionTemplate inner = transaction(context);
			inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			List<String> outer = new ArrayList<>();
			List<String> nested = new ArrayList<>();
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> transaction(context).execute((status) -> {
				List<TaskRequest> requests = new ArrayList<>();
				for (int i = 0; i < 100; i++) {
					requests.add(TaskRequest.of("order.ship").args("outer-" + i).build());
				}
				outer.addAll(client.sendAll(requests));
				nested.add(inner.execute((innerStatus) -> client.send("order.ship", "inner")));
				outer.add(client.send("order.ship", "outer-last"));
				throw new IllegalStateException("the outer transaction rolls back");
			}));
			assertThat(client.awaitCompletion(nested.get(0), WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			List<String> committed = transaction(context).execute((status) -> {
				List<TaskRequest> requests = new ArrayList<>();
				for (int i = 0; i < 200; i++) {
					requests.add(TaskRequest.of("order.ship").args("c-" + i).build());
				}
				return client.sendAll(requests);
			});
			for (String id : committed) {
				assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			}
			for (String id : outer) {
				assertThat(client.find(id)).as(id).isEmpty();
			}
			assertThat(RAN).hasSize(201).contains("inner").noneMatch((tag) -> tag.startsWith("outer"));
		});
	}

	@Test
	void durableTaskIsRecordedInTheTransactionAndExistsOnlyIfItCommitted() {
		durable().run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			JdbcTemplate outside = new JdbcTemplate(database().dataSource());
			String id = transaction(context).execute((status) -> {
				String sent = client.send("order.ship", "d1");
				insertOrder(context, "d1", sent);
				// written in this transaction: another connection does not see it yet
				assertThat(outside.queryForObject("SELECT COUNT(*) FROM " + database().tableName() + " WHERE id = ?",
						Integer.class, sent)).isZero();
				sleep(300);
				assertThat(RAN).isEmpty();
				return sent;
			});
			assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			List<String> rolledBack = new ArrayList<>();
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> transaction(context).execute((status) -> {
				rolledBack.add(client.send("order.ship", "d2"));
				insertOrder(context, "d2", rolledBack.get(0));
				assertThat(client.find(rolledBack.get(0))).as("seen from the transaction itself").isPresent();
				throw new IllegalStateException("rolled back");
			}));
			assertThat(client.find(rolledBack.get(0))).isEmpty();
			sleep(3000);
			assertThat(client.find(rolledBack.get(0))).as("nothing for the reaper to find").isEmpty();
			assertThat(RAN).containsExactly("d1");
		});
	}

	@Test
	void durableTaskWhoseProcessStopsBetweenCommitAndQueueingIsQueuedByTheReaper() {
		durable().run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			List<String> sent = new ArrayList<>();
			// an earlier after-commit step fails: the transaction committed, and gtask's own step
			// never runs, as if the process had died right after the commit
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> transaction(context).execute((status) -> {
				sent.add(client.send("order.ship", "orphan"));
				insertOrder(context, "orphan", sent.get(0));
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

					@Override
					public int getOrder() {
						return Ordered.HIGHEST_PRECEDENCE;
					}

					@Override
					public void afterCommit() {
						throw new IllegalStateException("stopped after the commit");
					}

				});
				return null;
			}));
			assertThat(orderCount(context)).isOne();
			sleep(500);
			assertThat(RAN).as("not queued by the send").isEmpty();
			assertThat(client.find(sent.get(0))).get().satisfies((info) -> assertThat(info.status()).isEqualTo(TaskStatus.PENDING));
			assertThat(client.awaitCompletion(sent.get(0), WAIT).status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(RAN).containsExactly("orphan");
		});
	}

	private static TransactionTemplate transaction(ApplicationContext context) {
		return new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
	}

	private void insertOrder(ApplicationContext context, String id, String taskId) {
		new JdbcTemplate(context.getBean(DataSource.class)).update("INSERT INTO " + this.orders + " VALUES (?, ?)", id,
				taskId);
	}

	private int orderCount(ApplicationContext context) {
		return new JdbcTemplate(context.getBean(DataSource.class)).queryForObject("SELECT COUNT(*) FROM " + this.orders,
				Integer.class);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionConfiguration {

		@Bean
		JdbcTransactionManager transactionManager(DataSource dataSource) {
			return new JdbcTransactionManager(dataSource);
		}

	}

	static class OrderHandlers {

		@TaskHandler("order.ship")
		public void ship(String order) {
			RAN.add(order);
		}

	}

}
