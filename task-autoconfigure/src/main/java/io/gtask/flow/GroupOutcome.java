package io.gtask.flow;

import java.util.ArrayList;
import java.util.List;

import io.gtask.core.TaskError;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a group ended, from how its members did.
 */
final class GroupOutcome {

	private GroupOutcome() {
	}

	/**
	 * The outcome of a group from those of its members: the list of their results, or the
	 * failures; a tolerant group lists a failure in the place of its member's result.
	 */
	static FlowOutcome of(String flowId, FlowNode group, List<@Nullable String> outcomes, FlowNodes loader,
			JsonMapper mapper) {
		List<FlowOutcome> members = new ArrayList<>(outcomes.size());
		for (String text : outcomes) {
			if (text == null) {
				throw new FlowStateException("Group " + group.id() + " of flow " + flowId
						+ " counted all its members ended, but not every one has an outcome");
			}
			members.add(FlowOutcome.read(mapper, flowId, text));
		}
		StringBuilder results = new StringBuilder("[");
		int failed = 0;
		FlowOutcome firstFailure = null;
		int firstFailed = -1;
		for (int i = 0; i < members.size(); i++) {
			FlowOutcome member = members.get(i);
			if (!member.success()) {
				failed++;
				if (firstFailure == null) {
					firstFailure = member;
					firstFailed = i;
				}
			}
			if (i > 0) {
				results.append(',');
			}
			if (member.success() || group.tolerant()) {
				FlowStep step = member.success() ? null : loader.get(group.children().get(i)).step();
				results.append(member.element(mapper, (step != null) ? step.taskId() : null,
						(step != null) ? step.name() : null));
			}
		}
		if (failed == 0 || group.tolerant()) {
			return FlowOutcome.succeeded(results.append(']').toString());
		}
		return FlowOutcome.failed(new TaskError(firstFailure.error().type(), failed + " of " + members.size()
				+ " members of the group failed; member " + (firstFailed + 1) + ": " + firstFailure.error().message()));
	}

}
