package io.gtask.flow;

import java.math.BigDecimal;
import java.util.List;

import io.gtask.core.TaskFlow;
import io.gtask.core.TaskMessageCodec;
import io.gtask.core.TaskRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static io.gtask.core.TaskFlow.chain;
import static io.gtask.core.TaskFlow.chord;
import static io.gtask.core.TaskFlow.group;
import static io.gtask.core.TaskFlow.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How a flow is laid out as nodes, and how a node stored in Redis is read back as the untrusted
 * input it is.
 */
class FlowPlanTests {

	private final TaskMessageCodec codec = new TaskMessageCodec(JsonMapper.builder().build());

	private final FlowNodeCodec nodes = new FlowNodeCodec(this.codec.getJsonMapper());

	@Test
	void chordInAChainIsLaidOutDepthFirstWithNextLinksAndParents() {
		List<FlowNode> plan = FlowPlan.of("f", chain(task("a", 1), chord(group(task("b"), task("c")), task("d")),
				task("e").immutable()), this.codec);
		assertThat(plan).extracting(FlowNode::label)
			.containsExactly("chain", "step", "chord", "group", "step", "step", "step", "step");
		FlowNode root = plan.get(0);
		assertThat(root.children()).containsExactly(1, 2, 7);
		assertThat(plan.get(1).next()).isEqualTo(2);
		assertThat(plan.get(2).next()).isEqualTo(7);
		assertThat(plan.get(7).next()).isEqualTo(-1);
		FlowNode chordNode = plan.get(2);
		assertThat(chordNode.chord()).isTrue();
		assertThat(chordNode.children()).containsExactly(3, 6);
		FlowNode groupNode = plan.get(3);
		assertThat(groupNode.parent()).isEqualTo(2);
		assertThat(groupNode.next()).isEqualTo(6);
		assertThat(groupNode.children()).containsExactly(4, 5);
		assertThat(plan.get(5).parentKind()).isEqualTo(FlowNode.Kind.GROUP);
		assertThat(plan.get(5).position()).isEqualTo(1);
		assertThat(plan.get(5).parentSize()).isEqualTo(2);
		assertThat(plan.get(6).step().name()).isEqualTo("d");
		assertThat(plan.get(7).step().immutable()).isTrue();
		assertThat(plan.get(1).step().taskId()).isEqualTo("f.1");
	}

	@Test
	void nodesSurviveTheirJsonForm() {
		List<FlowNode> plan = FlowPlan.of("f", chain(task(TaskRequest.of("a")
			.args(new BigDecimal("1.000000000000000000000000001"), "x")
			.queue("q")
			.maxRetries(2)
			.priority(9)
			.build()), chord(group(task("b"), task("c")), task("d")).onMemberFailure(TaskFlow.MemberFailure.CALL_WITH_ERRORS)),
				this.codec);
		for (FlowNode node : plan) {
			FlowNode read = this.nodes.read("f", node.id(), this.nodes.write(node));
			assertThat(read).usingRecursiveComparison().isEqualTo(node);
		}
		assertThat(plan.get(3).tolerant()).isTrue();
		assertThat(this.nodes.write(plan.get(1))).contains("1.000000000000000000000000001");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{not json", "[]", "\"text\"", "{}", "{\"k\":\"X\",\"p\":-1,\"i\":0,\"ps\":0,\"nx\":-1}",
			"{\"k\":\"C\",\"p\":-1,\"i\":0,\"ps\":0,\"nx\":-1}",
			"{\"k\":\"C\",\"p\":-1,\"i\":0,\"ps\":0,\"nx\":-1,\"c\":[0]}",
			"{\"k\":\"S\",\"p\":-1,\"i\":0,\"ps\":0,\"nx\":-1}",
			"{\"k\":\"S\",\"p\":-1,\"i\":0,\"ps\":0,\"nx\":-1,\"s\":{\"t\":\"\",\"n\":\"a\",\"a\":[]}}",
			"{\"k\":\"S\",\"p\":-1,\"i\":0,\"ps\":0,\"nx\":-1,\"s\":{\"t\":\"id\",\"n\":\"a\",\"a\":{}}}",
			"{\"k\":\"S\",\"p\":-1,\"i\":0,\"ps\":0,\"nx\":-1,\"s\":{\"t\":\"id\",\"n\":\"a\",\"a\":[],\"pr\":11}}",
			"{\"k\":\"S\",\"p\":-1,\"i\":0,\"ps\":0,\"nx\":-1,\"s\":{\"t\":\"id\",\"n\":\"a\",\"a\":[],\"to\":1.5}}",
			"{\"k\":\"S\",\"p\":2,\"i\":0,\"ps\":1,\"nx\":-1,\"s\":{\"t\":\"id\",\"n\":\"a\",\"a\":[]}}",
			"{\"k\":\"S\",\"p\":0,\"pk\":\"G\",\"i\":5,\"ps\":2,\"nx\":-1,\"s\":{\"t\":\"id\",\"n\":\"a\",\"a\":[]}}",
			"{\"k\":\"S\",\"p\":99999999999,\"i\":0,\"ps\":0,\"nx\":-1,\"s\":{\"t\":\"id\",\"n\":\"a\",\"a\":[]}}" })
	void nodeThatIsNotOneGtaskWritesIsRefusedNamingTheFlowAndNode(String text) {
		assertThatExceptionOfType(FlowStateException.class).isThrownBy(() -> this.nodes.read("flow-1", 3, text))
			.withMessageContaining("flow flow-1");
	}

	@Test
	void missingNodeIsRefused() {
		assertThatExceptionOfType(FlowStateException.class).isThrownBy(() -> this.nodes.read("flow-1", 3, null))
			.withMessage("Flow flow-1 has no node 3");
	}

	@Test
	void outcomeThatIsNotOneGtaskWritesIsRefused() {
		JsonMapper mapper = this.codec.getJsonMapper();
		assertThat(FlowOutcome.read(mapper, "f", "S[1,2]").result()).isEqualTo("[1,2]");
		assertThat(FlowOutcome.read(mapper, "f", FlowOutcome.failed(new io.gtask.core.TaskError("T", "m")).write(mapper))
			.error()
			.message()).isEqualTo("m");
		for (String bad : List.of("", "S", "X1", "F{", "F[]", "F{\"type\":1,\"message\":\"m\"}")) {
			assertThatExceptionOfType(FlowStateException.class).isThrownBy(() -> FlowOutcome.read(mapper, "f", bad))
				.withMessageContaining("Flow f holds an outcome");
		}
	}

}
