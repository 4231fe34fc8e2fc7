package io.gtask.flow;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The nodes of one flow read so far, read from the store as they are needed.
 */
final class FlowNodes {

	private final FlowStore store;

	private final FlowNodeCodec codec;

	private final String flowId;

	private final Map<Integer, FlowNode> known = new HashMap<>();

	FlowNodes(FlowStore store, FlowNodeCodec codec, String flowId) {
		this.store = store;
		this.codec = codec;
		this.flowId = flowId;
	}

	void put(FlowNode node) {
		this.known.put(node.id(), node);
	}

	/**
	 * The node, or {@code null} if the flow is unknown.
	 */
	@Nullable FlowNode find(int id) {
		FlowNode node = this.known.get(id);
		if (node != null) {
			return node;
		}
		String text = this.store.nodes(this.flowId, List.of(id)).get(0);
		if (text == null) {
			return null;
		}
		node = this.codec.read(this.flowId, id, text);
		put(node);
		return node;
	}

	FlowNode get(int id) {
		FlowNode node = find(id);
		if (node == null) {
			throw new FlowStateException("Flow " + this.flowId + " has no node " + id);
		}
		return node;
	}

	/**
	 * Read the nodes not read yet in one round trip.
	 */
	void load(List<Integer> ids) {
		List<Integer> missing = ids.stream().filter((id) -> !this.known.containsKey(id)).toList();
		if (missing.isEmpty()) {
			return;
		}
		List<@Nullable String> texts = this.store.nodes(this.flowId, missing);
		for (int i = 0; i < missing.size(); i++) {
			put(this.codec.read(this.flowId, missing.get(i), texts.get(i)));
		}
	}

}
