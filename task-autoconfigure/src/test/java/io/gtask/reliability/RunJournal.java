package io.gtask.reliability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the chaos task wrote of its runs (start and end, worker, time) and what the suite did to
 * the workers and to Redis, and the judgement of every task that ran more than once: a second run
 * is expected only when the first was cut short by a crash, a graceful stop that interrupted it,
 * or Redis going away around it.
 */
final class RunJournal {

	/**
	 * How long after a run ended its outcome may still be unwritten when its worker dies.
	 */
	private static final long OUTCOME_GRACE_MILLIS = 2_000;

	private final Map<Long, List<Run>> runs = new HashMap<>();

	private final List<Event> events = new ArrayList<>();

	synchronized void killed(int worker, long at) {
		this.events.add(new Event(EventKind.KILL, worker, at));
	}

	synchronized void stopped(int worker, long at) {
		this.events.add(new Event(EventKind.STOP, worker, at));
	}

	synchronized void redisLost(long from, long to) {
		this.events.add(new Event(EventKind.REDIS, 0, from));
		this.events.add(new Event(EventKind.REDIS, 0, to));
	}

	/**
	 * Read the lines the task wrote: {@code <n> s|e <worker> <millis>}.
	 */
	void read(List<String> lines) {
		Map<String, Run> open = new HashMap<>();
		for (String line : lines) {
			String[] parts = line.split(" ");
			long n = Long.parseLong(parts[0]);
			int worker = Integer.parseInt(parts[2]);
			long at = Long.parseLong(parts[3]);
			if (parts[1].equals("s")) {
				Run run = new Run(worker, at);
				this.runs.computeIfAbsent(n, (key) -> new ArrayList<>()).add(run);
				open.put(n + "/" + worker, run);
			}
			else {
				Run run = open.remove(n + "/" + worker);
				if (run != null) {
					run.end = at;
				}
			}
		}
	}

	boolean ran(long n) {
		return this.runs.containsKey(n);
	}

	long runCount() {
		return this.runs.values().stream().mapToLong(List::size).sum();
	}

	/**
	 * Tasks that ran more than once.
	 */
	long repeated() {
		return this.runs.values().stream().filter((list) -> list.size() > 1).count();
	}

	/**
	 * Repeated runs that no crash, interrupting stop or Redis loss explains, described.
	 */
	List<String> unexplainedRepeats() {
		List<String> unexplained = new ArrayList<>();
		this.runs.forEach((n, list) -> {
			for (int i = 1; i < list.size(); i++) {
				Run previous = list.get(i - 1);
				if (!explained(previous)) {
					unexplained.add("task " + n + " ran again on worker " + list.get(i).worker + " at "
							+ list.get(i).start + " after a run on worker " + previous.worker + " from " + previous.start
							+ " to " + previous.end);
				}
			}
		});
		return unexplained;
	}

	private synchronized boolean explained(Run run) {
		for (Event event : this.events) {
			boolean around = event.at >= run.start
					&& (run.end == null || event.at - run.end <= OUTCOME_GRACE_MILLIS);
			switch (event.kind) {
				case KILL -> {
					if (event.worker == run.worker && around) {
						return true;
					}
				}
				case STOP -> {
					// a graceful stop interrupts what still runs at its end and hands it back
					if (event.worker == run.worker && event.at >= run.start && run.end == null) {
						return true;
					}
				}
				case REDIS -> {
					if (Math.abs(event.at - run.start) <= OUTCOME_GRACE_MILLIS || around) {
						return true;
					}
				}
			}
		}
		return false;
	}

	private enum EventKind {

		KILL, STOP, REDIS

	}

	private record Event(EventKind kind, int worker, long at) {
	}

	private static final class Run {

		final int worker;

		final long start;

		Long end;

		Run(int worker, long start) {
			this.worker = worker;
			this.start = start;
		}

	}

}
