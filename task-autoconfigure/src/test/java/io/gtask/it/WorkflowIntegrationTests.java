package io.gtask.it;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.gtask.autoconfigure.GTaskPeriodicAutoConfiguration;
import io.gtask.core.DuplicateTaskException;
import io.gtask.core.FlowInfo;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFailedException;
import io.gtask.core.TaskFlow;
import io.gtask.core.TaskInfo;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import io.gtask.redis.RedisKeyspace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.core.StringRedisTemplate;

import static io.gtask.core.TaskFlow.chain;
import static io.gtask.core.TaskFlow.chord;
import static io.gtask.core.TaskFlow.group;
import static io.gtask.core.TaskFlow.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Chains, groups and chords on a real Redis, run by the worker of the application and, where it
 * says so, by several instances sharing the Redis.
 */
class WorkflowIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final String prefix = "gtask-test-" + UUID.randomUUID().toString().substring(0, 8);

	private final ApplicationContextRunner worker = GTaskTestSupport.runner()
		.withUserConfiguration(HandlersConfiguration.class)
		.withPropertyValues("gtask.key-prefix=" + this.prefix, "gtask.worker.concurrency=8");

	@BeforeEach
	void reset() {
		WorkflowHandlers.reset();
		BatchHandlers.reset();
	}

	@Test
	void chainPassesEachResultToTheNextLink() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.flows().start(chain(task("wf.add", 1, 2), task("wf.add", 10), task("wf.add", 100)));
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(113);
			TaskInfo info = client.info(id);
			assertThat(info.name()).isEqualTo("gtask.chain");
			assertThat(info.status()).isEqualTo(TaskStatus.SUCCESS);
			FlowInfo flow = client.flows().info(id);
			assertThat(flow.kind()).isEqualTo("chain");
			assertThat(flow.status()).isEqualTo(TaskStatus.SUCCESS);
			assertThat(flow.steps()).extracting(FlowInfo.Node::status).containsOnly(TaskStatus.SUCCESS);
			for (FlowInfo.Node step : flow.steps()) {
				assertThat(client.info(step.taskId()).status()).isEqualTo(TaskStatus.SUCCESS);
			}
		});
	}

	@Test
	void immutableLinkKeepsItsOwnArguments() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.flows().start(chain(task("wf.add", 1, 2), task("wf.add", 5, 6).immutable()));
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(11);
		});
	}

	@Test
	void groupListsResultsInTheOrderOfItsMembers() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.flows()
				.start(group(task("wf.echo", "a", 300), task("wf.echo", "b", 0), task("wf.echo", "c", 100)));
			List<String> values = client.await(id, WAIT, new ParameterizedTypeReference<List<String>>() {
			});
			assertThat(values).containsExactly("a", "b", "c");
		});
	}

	@Test
	void chordCallsBackOnceWithTheListOfResults() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.flows()
				.start(chord(group(task("wf.add", 1, 1), task("wf.add", 2, 2), task("wf.add", 3, 3)), task("wf.sum")));
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(12);
			assertThat(client.info(id).name()).isEqualTo("gtask.chord");
			assertThat(WorkflowHandlers.runs("wf.sum")).isEqualTo(1);
		});
	}

	@Test
	void chordWithAFailedMemberFailsNamingItAndDoesNotCallBack() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.flows()
				.start(chord(group(task("wf.add", 1, 1), task("wf.fail", "x"), task("wf.add", 3, 3)), task("wf.sum")));
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().message()).contains("Link 1 of 2 of the chord failed")
				.contains("1 of 3 members of the group failed")
				.contains("member 2")
				.contains("'wf.fail'")
				.contains("broken on purpose");
			assertThat(info.error().type()).isEqualTo(IllegalStateException.class.getName());
			assertThatExceptionOfType(TaskFailedException.class).isThrownBy(() -> client.result(id, Integer.class));
			assertThat(WorkflowHandlers.runs("wf.add")).isEqualTo(2);
			assertThat(WorkflowHandlers.runs("wf.sum")).isZero();
			FlowInfo flow = client.flows().info(id);
			assertThat(flow.steps().get(3).name()).isEqualTo("wf.sum");
			assertThat(flow.steps().get(3).status()).isNull();
		});
	}

	@Test
	void chordThatCallsBackWithErrorsPassesTheFailuresInTheirPlaces() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.flows()
				.start(chord(group(task("wf.add", 1, 1), task("wf.fail", "x"), task("wf.fail", "y")),
						task("wf.failures"))
					.onMemberFailure(TaskFlow.MemberFailure.CALL_WITH_ERRORS));
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(2);
		});
	}

	@Test
	void failedLinkStopsTheChainAndNamesTheLink() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.flows().start(chain(task("wf.add", 1, 2), task("wf.fail"), task("wf.inc")));
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().message()).contains("Link 2 of 3 of the chain failed")
				.contains("'wf.fail'")
				.contains("broken on purpose");
			FlowInfo flow = client.flows().info(id);
			assertThat(flow.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(flow.steps()).extracting(FlowInfo.Node::status)
				.containsExactly(TaskStatus.SUCCESS, TaskStatus.FAILURE, null);
			assertThat(WorkflowHandlers.runs("wf.inc")).isZero();
			assertThat(client.find(flow.steps().get(2).taskId())).isEmpty();
		});
	}

	@Test
	void retriesOfALinkHappenInsideTheLink() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.flows().start(chain(task("wf.flaky", "k"), task("wf.inc")));
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(8);
			assertThat(WorkflowHandlers.runs("wf.flaky")).isEqualTo(3);
			assertThat(WorkflowHandlers.runs("wf.inc")).isEqualTo(1);
		});
	}

	@Test
	void flowsNest() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			// 2 -> [12, 22] -> 34 -> [35, 36 + 1 = 37... ]
			String id = client.flows()
				.start(chain(task("wf.add", 1, 1), group(task("wf.add", 10), task("wf.add", 20)), task("wf.sum"),
						chord(group(task("wf.inc"), chain(task("wf.inc"), task("wf.inc"))), task("wf.sum"))));
			// 34 -> group of inc(34) = 35 and inc(inc(34)) = 36 -> sum 71
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(71);
		});
	}

	@Test
	void typedResultsKeepTheirTypesAndExactNumbers() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String invoices = client.send("wf.invoices", "acme");
			List<WorkflowHandlers.Invoice> read = client.await(invoices, WAIT,
					new ParameterizedTypeReference<List<WorkflowHandlers.Invoice>>() {
					});
			assertThat(read).hasSize(2).allSatisfy((invoice) -> assertThat(invoice.customer()).isEqualTo("acme"));
			assertThat(read.get(0).amount()).isEqualTo(new BigDecimal("12.3400000000000000000000000000001"));
			assertThat(client.result(invoices, new ParameterizedTypeReference<List<WorkflowHandlers.Invoice>>() {
			})).isEqualTo(read);
			String id = client.flows().start(chain(task("wf.invoices", "acme"), task("wf.total")));
			assertThat(client.resultAsync(id, new ParameterizedTypeReference<BigDecimal>() {
			}).get()).isEqualTo(new BigDecimal("1012.3400000000000000000000000000001"));
		});
	}

	@Test
	void cancelledFlowSendsNothingMoreAndRevokesWhatRuns() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.flows().start(chain(task("wf.sleep", 3000L), task("wf.inc")));
			FlowInfo started = client.flows().info(id);
			await().atMost(WAIT).until(() -> client.info(started.steps().get(0).taskId()).status() == TaskStatus.STARTED);
			assertThat(client.flows().cancel(id)).isTrue();
			assertThat(client.flows().cancel(id)).isFalse();
			assertThat(client.awaitCompletion(id, WAIT).status()).isEqualTo(TaskStatus.REVOKED);
			await().atMost(WAIT)
				.until(() -> client.info(started.steps().get(0).taskId()).status() == TaskStatus.REVOKED);
			Thread.sleep(300);
			assertThat(WorkflowHandlers.runs("wf.inc")).isZero();
			assertThat(client.flows().info(id).status()).isEqualTo(TaskStatus.REVOKED);
		});
	}

	@Test
	void chordOfManyMembersOnTwoInstancesCallsBackOnce() {
		this.worker.run((first) -> this.worker.run((second) -> {
			TaskClient client = first.getBean(TaskClient.class);
			List<TaskFlow> members = new ArrayList<>();
			for (int i = 0; i < 300; i++) {
				members.add(task("wf.add", i, 1));
			}
			String id = client.flows().start(chord(group(members), task("wf.sum")));
			// sum of (i + 1) for i in 0..299
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(45150);
			assertThat(WorkflowHandlers.runs("wf.sum")).isEqualTo(1);
			assertThat(WorkflowHandlers.runs("wf.add")).isEqualTo(300);
		}));
	}

	@Test
	void flowStartedTwiceUnderOneIdRunsOnceAndAnIdInUseIsRefused() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = "nightly-" + UUID.randomUUID();
			assertThat(client.flows().start(id, chain(task("wf.add", 1, 2), task("wf.inc")))).isEqualTo(id);
			assertThat(client.flows().start(id, chain(task("wf.add", 1, 2), task("wf.inc")))).isEqualTo(id);
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(4);
			assertThat(client.flows().start(id, chain(task("wf.add", 1, 2), task("wf.inc")))).isEqualTo(id);
			Thread.sleep(300);
			assertThat(WorkflowHandlers.runs("wf.add")).isEqualTo(1);
			assertThat(WorkflowHandlers.runs("wf.inc")).isEqualTo(1);
			String plain = client.send("wf.add", 1, 1);
			assertThatExceptionOfType(DuplicateTaskException.class)
				.isThrownBy(() -> client.flows().start(plain, chain(task("wf.inc", 1))))
				.withMessageContaining("is in use by task 'wf.add'");
		});
	}

	@Test
	void periodicTaskStartsOneFlowPerTick() {
		this.worker.withConfiguration(AutoConfigurations.of(GTaskPeriodicAutoConfiguration.class))
			.withBean(BatchHandlers.class)
			.withPropertyValues("wf.nightly.cron=* * * * * *")
			.run((context) -> {
				TaskClient client = context.getBean(TaskClient.class);
				await().atMost(WAIT).until(() -> BatchHandlers.calls("nightly").size() >= 2);
				for (String id : BatchHandlers.calls("nightly").subList(0, 2)) {
					assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(3);
					assertThat(client.info(id).name()).isEqualTo("gtask.chain");
				}
			});
	}

	@Test
	void stepOptionsApplyAndPrioritiesWork() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			String id = client.flows()
				.start(chain(task(TaskRequest.of("wf.add").args(1, 2).priority(9).build()),
						task(TaskRequest.of("wf.inc").pushToFront().timeout(Duration.ofSeconds(5)).build())));
			assertThat(client.await(id, WAIT, Integer.class)).isEqualTo(4);
		});
	}

	@Test
	void aStepMustLeaveItsIdAndUniquenessToTheFlow() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> task(TaskRequest.of("wf.add").id("mine").build()))
			.withMessageContaining("must not name an id");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> task(TaskRequest.of("wf.add").unique(Duration.ofMinutes(1)).build()))
			.withMessageContaining("uniqueness key");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> group(List.of()))
			.withMessageContaining("at least one member");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> chain())
			.withMessageContaining("at least one link");
	}

	@Test
	void damagedFlowStateEndsTheFlowAsFailureNamingItAndTheWorkerGoesOn() {
		this.worker.run((context) -> {
			TaskClient client = context.getBean(TaskClient.class);
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			String id = client.flows().start(chain(task("wf.sleep", 500L), task("wf.inc")));
			String key = new RedisKeyspace(this.prefix).flow(id);
			redis.opsForHash().put(key, "d:2", "{not json");
			TaskInfo info = client.awaitCompletion(id, WAIT);
			assertThat(info.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(info.error().message()).contains("Node 2 of flow " + id).contains("not valid JSON");
			assertThat(client.await(client.send("wf.add", 2, 3), WAIT, Integer.class)).isEqualTo(5);

			String other = client.flows().start(chord(group(task("wf.sleep", 500L), task("wf.add", 1, 1)), task("wf.sum")));
			String otherKey = new RedisKeyspace(this.prefix).flow(other);
			redis.delete(otherKey);
			redis.opsForValue().set(otherKey, "a string where a hash should be");
			TaskInfo wrongType = client.awaitCompletion(other, WAIT);
			assertThat(wrongType.status()).isEqualTo(TaskStatus.FAILURE);
			assertThat(wrongType.error().message()).contains("is not a hash");
			assertThat(client.await(client.send("wf.add", 4, 3), WAIT, Integer.class)).isEqualTo(7);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlersConfiguration {

		@Bean
		WorkflowHandlers workflowHandlers() {
			return new WorkflowHandlers();
		}

	}

}
