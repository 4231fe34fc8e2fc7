package io.gtask.flow;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One node of a planned flow, as stored in the flow's hash: its place in the tree, and for a
 * step, the task it sends. Ids are the positions of a depth-first walk from the root, 0.
 *
 * @param id the node id
 * @param kind what the node is
 * @param parent the id of the parent, or -1 for the root
 * @param parentKind what the parent is, or {@code null} for the root
 * @param position the place of the node among its parent's children
 * @param parentSize the number of children of the parent (0 for the root)
 * @param next the id of the next link when the parent is a chain, or -1 for the last
 * @param children the ids of the children of a chain or group
 * @param tolerant whether a group lets its members fail without failing (a chord that calls
 * back with errors)
 * @param chord whether a chain is a chord (a group and its callback)
 * @param step the task of a step
 */
record FlowNode(int id, Kind kind, int parent, @Nullable Kind parentKind, int position, int parentSize, int next,
		List<Integer> children, boolean tolerant, boolean chord, @Nullable FlowStep step) {

	FlowNode {
		children = List.copyOf(children);
	}

	boolean isRoot() {
		return this.parent < 0;
	}

	/**
	 * What the node is called in messages and in {@link FlowInfo}.
	 */
	String label() {
		return switch (this.kind) {
			case STEP -> "step";
			case CHAIN -> this.chord ? "chord" : "chain";
			case GROUP -> "group";
		};
	}

	/**
	 * The kinds of nodes; a chord is a chain of a group and its callback.
	 */
	enum Kind {

		STEP, CHAIN, GROUP

	}

}
