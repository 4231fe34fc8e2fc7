package io.gtask.periodic;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.gtask.core.TaskMessageCodec;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

/**
 * A schedule with what this instance knows of it: the last tick fired by any instance, as far
 * as this one knows.
 */
final class ScheduleState {

	private final PeriodicSchedule schedule;

	/**
	 * The last tick fired by any instance, as far as this one knows, or the start time;
	 * {@code null} until read from the store.
	 */
	private @Nullable Instant last;

	ScheduleState(PeriodicSchedule schedule) {
		this.schedule = schedule;
	}

	/**
	 * The states of schedules, refusing schedules that cannot work: two with one id, or
	 * arguments that cannot be written as JSON.
	 * @throws IllegalStateException naming the schedule that cannot work
	 */
	static List<ScheduleState> of(List<PeriodicSchedule> schedules, TaskMessageCodec codec) {
		Set<String> ids = new HashSet<>();
		List<ScheduleState> states = new ArrayList<>(schedules.size());
		for (PeriodicSchedule schedule : schedules) {
			if (!ids.add(schedule.id())) {
				throw new IllegalStateException("Two periodic schedules have the id '" + schedule.id()
						+ "'; the id identifies a schedule among all instances and must be unique");
			}
			try {
				codec.toArgs(schedule.args());
			}
			catch (JacksonException ex) {
				throw new IllegalStateException("Arguments of periodic schedule '" + schedule.id()
						+ "' cannot be written as JSON: " + ex.getOriginalMessage(), ex);
			}
			states.add(new ScheduleState(schedule));
		}
		return List.copyOf(states);
	}

	PeriodicSchedule schedule() {
		return this.schedule;
	}

	@Nullable Instant last() {
		return this.last;
	}

	void last(Instant last) {
		this.last = last;
	}

	/**
	 * The tick after the last one, or {@code null} while the last one is unknown or the
	 * schedule has no further tick.
	 */
	@Nullable Instant next() {
		Instant last = this.last;
		return (last != null) ? this.schedule.nextTick(last) : null;
	}

	/**
	 * Forget the last tick, so that it is read from the store again.
	 */
	void forget() {
		this.last = null;
	}

}
