package io.gtask.core;

import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

/**
 * A workflow of tasks: a single step, a chain of flows run one after another, a group of flows
 * run in parallel, or a chord, a group followed by a callback that receives the list of the
 * group's results. Flows nest: a chain's link may be a group, a chord may sit inside a chain.
 * <pre class="code">
 * String id = taskClient.flows().start(TaskFlow.chain(
 *         TaskFlow.task("fetch", url),
 *         TaskFlow.chord(TaskFlow.group(TaskFlow.task("resize", 100), TaskFlow.task("resize", 400)),
 *                 TaskFlow.task("publish")),
 *         TaskFlow.task("notify", "ops").immutable()));
 * List&lt;String&gt; urls = taskClient.await(id, Duration.ofMinutes(1), new ParameterizedTypeReference&lt;&gt;() {});
 * </pre>
 * The id a flow is started with is a task id: its state and final result are read with the
 * {@link TaskClient} methods that read a task.
 */
public sealed interface TaskFlow permits TaskFlow.Step, TaskFlow.Chain, TaskFlow.Group, TaskFlow.Chord {

	/**
	 * A step that runs one task with the default options of its handler.
	 * @param name the task name
	 * @param args the arguments; in a chain, the previous link's result is put before them
	 * @return the step
	 */
	static Step task(String name, @Nullable Object... args) {
		return new Step(TaskRequest.of(name).args(args).build(), false);
	}

	/**
	 * A step that runs one task with per-send options. The flow chooses the task's id, so the
	 * request must not name one, nor ask for a uniqueness key.
	 * @param request the task
	 * @return the step
	 */
	static Step task(TaskRequest request) {
		return new Step(request, false);
	}

	/**
	 * Flows run one after another, each step receiving the result of the one before as its
	 * first argument; the chain's result is the last link's. A link that fails stops the chain,
	 * which ends FAILURE naming the link.
	 * @param links the links, at least one
	 * @return the chain
	 */
	static Chain chain(TaskFlow... links) {
		return new Chain(Arrays.asList(links));
	}

	/**
	 * Flows run one after another.
	 * @param links the links, at least one
	 * @return the chain
	 * @see #chain(TaskFlow...)
	 */
	static Chain chain(List<? extends TaskFlow> links) {
		return new Chain(List.copyOf(links));
	}

	/**
	 * Flows run in parallel; the group's result is the list of its members' results, in the
	 * order of the members. The group ends once every member ended: SUCCESS if all succeeded,
	 * FAILURE naming the members that failed otherwise.
	 * @param members the members, at least one
	 * @return the group
	 */
	static Group group(TaskFlow... members) {
		return new Group(Arrays.asList(members));
	}

	/**
	 * Flows run in parallel.
	 * @param members the members, at least one
	 * @return the group
	 * @see #group(TaskFlow...)
	 */
	static Group group(List<? extends TaskFlow> members) {
		return new Group(List.copyOf(members));
	}

	/**
	 * A group followed by a callback that receives the list of the group's results as its
	 * first argument. By default a member that fails fails the chord and the callback does not
	 * run ({@link MemberFailure#FAIL_CHORD}).
	 * @param header the group
	 * @param callback the callback
	 * @return the chord
	 */
	static Chord chord(Group header, TaskFlow callback) {
		return new Chord(header, callback, MemberFailure.FAIL_CHORD);
	}

	/**
	 * One task of a flow.
	 *
	 * @param request the task with its options
	 * @param withoutInput whether the task ignores the result of the step before it, as an
	 * immutable signature of Celery ({@code si}) does: it is called with its own arguments only
	 */
	record Step(TaskRequest request, boolean withoutInput) implements TaskFlow {

		/**
		 * Create a step, checking that the request leaves the id and uniqueness to the flow.
		 */
		public Step {
			Assert.notNull(request, "request must not be null");
			if (request.id() != null) {
				throw new IllegalArgumentException("Task '" + request.name() + "' of a flow must not name an id ('"
						+ request.id() + "'): the flow chooses the ids of its steps");
			}
			if (request.uniqueKey() != null) {
				throw new IllegalArgumentException("Task '" + request.name() + "' of a flow must not ask for a "
						+ "uniqueness key: a flow runs each of its steps once");
			}
		}

		/**
		 * The same step, called with its own arguments only, not with the result of the step
		 * before it.
		 * @return the immutable step
		 */
		public Step immutable() {
			return new Step(this.request, true);
		}

	}

	/**
	 * Flows run one after another.
	 *
	 * @param links the links
	 */
	record Chain(List<TaskFlow> links) implements TaskFlow {

		/**
		 * Create a chain of at least one link.
		 */
		public Chain {
			links = checked(links, "A chain needs at least one link");
		}

	}

	/**
	 * Flows run in parallel.
	 *
	 * @param members the members
	 */
	record Group(List<TaskFlow> members) implements TaskFlow {

		/**
		 * Create a group of at least one member.
		 */
		public Group {
			members = checked(members, "A group needs at least one member");
		}

	}

	/**
	 * A group followed by a callback that receives the list of the group's results.
	 *
	 * @param header the group
	 * @param callback the callback
	 * @param onMemberFailure what a member that fails does to the chord
	 */
	record Chord(Group header, TaskFlow callback, MemberFailure onMemberFailure) implements TaskFlow {

		/**
		 * Create a chord.
		 */
		public Chord {
			Assert.notNull(header, "A chord needs a group");
			Assert.notNull(callback, "A chord needs a callback");
			Assert.notNull(onMemberFailure, "onMemberFailure must not be null");
		}

		/**
		 * The same chord, with another choice of what a failed member does.
		 * @param onMemberFailure the choice
		 * @return the chord
		 */
		public Chord onMemberFailure(MemberFailure onMemberFailure) {
			return new Chord(this.header, this.callback, onMemberFailure);
		}

	}

	/**
	 * What a member of a chord's group that fails (or is revoked, or expires) does to the chord.
	 */
	enum MemberFailure {

		/**
		 * The chord ends FAILURE, naming the members that failed, once every member ended; the
		 * callback does not run.
		 */
		FAIL_CHORD,

		/**
		 * The callback runs once every member ended; in its list, a failed member's place holds
		 * an object {@code {"failed": true, "taskId": ..., "name": ..., "type": ..., "message": ...}}
		 * instead of a result.
		 */
		CALL_WITH_ERRORS

	}

	private static List<TaskFlow> checked(@Nullable List<TaskFlow> flows, String empty) {
		Assert.notNull(flows, empty);
		if (flows.isEmpty()) {
			throw new IllegalArgumentException(empty);
		}
		for (TaskFlow flow : flows) {
			Assert.notNull(flow, "A flow must not hold a null step");
		}
		return List.copyOf(flows);
	}

}
