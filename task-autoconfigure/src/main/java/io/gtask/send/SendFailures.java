package io.gtask.send;

import java.util.List;

import io.gtask.backend.ResultBackend;
import io.gtask.core.QueueKeyTypeException;
import io.gtask.core.TaskSendException;
import io.gtask.core.TaskSendOutcomeUnknownException;
import org.springframework.dao.DataAccessException;

/**
 * The exceptions a send ends with when it fails, each saying truthfully what became of the
 * tasks: nothing queued ({@link TaskSendException}), or an outcome that cannot be known
 * ({@link TaskSendOutcomeUnknownException}, with the ids).
 */
final class SendFailures {

	private static final int SHOWN_IDS = 10;

	private SendFailures() {
	}

	/**
	 * Redis refused the commands before they were written: nothing was queued.
	 */
	static TaskSendException unavailable(List<String> names, Throwable ex) {
		return new TaskSendException("Could not send " + tasks(names) + ": Redis is unavailable (" + reason(ex)
				+ "); nothing was queued", ex);
	}

	/**
	 * The records could not be written, so nothing was queued.
	 */
	static TaskSendException notRecorded(ResultBackend backend, List<String> names, Throwable ex) {
		if (backend.sharesStoreWithBroker()) {
			return unavailable(names, ex);
		}
		return new TaskSendException("Could not record " + tasks(names) + " in the result backend ("
				+ backend.getClass().getSimpleName() + ": " + reason(ex) + "); nothing was queued", ex);
	}

	/**
	 * A durable backend may have written the records without its answer arriving.
	 */
	static TaskSendOutcomeUnknownException recordOutcomeUnknown(List<String> names, List<String> ids,
			DataAccessException ex) {
		return new TaskSendOutcomeUnknownException("Recording " + ((ids.size() == 1) ? "task '" + names.get(0)
				+ "' (" + ids.get(0) + ")" : ids.size() + " tasks") + " in the result backend has an unknown outcome ("
				+ reason(ex) + "): if the record was written, the reaper queues it and it runs. Look it up by id "
				+ "before sending it again", ids, ex);
	}

	/**
	 * The recorded tasks' messages were written to Redis, which did not confirm them.
	 */
	static TaskSendOutcomeUnknownException outcomeUnknown(List<String> names, List<String> ids, Throwable ex) {
		return new TaskSendOutcomeUnknownException("Sending " + tasks(names, ids) + " has an unknown outcome: it is "
				+ "recorded and its message was written to Redis, which did not confirm it (" + reason(ex) + "); it "
				+ "may have been queued and may run. Its record is kept: look it up by id, wait for it, or revoke it",
				ids, ex);
	}

	/**
	 * Records and messages written to Redis together, which did not confirm them.
	 */
	static TaskSendOutcomeUnknownException writtenTogetherOutcomeUnknown(List<String> names, List<String> ids,
			Throwable ex) {
		return new TaskSendOutcomeUnknownException("Sending " + tasks(names, ids) + " has an unknown outcome: its "
				+ "record and its message were written to Redis together, which did not confirm them (" + reason(ex)
				+ "); it may have been queued and may run, with its record. Look it up by id, wait for it, or "
				+ "revoke it; a record whose message was never queued expires after gtask.result.ttl", ids, ex);
	}

	/**
	 * Redis refused to queue some or all of the messages: those were not queued.
	 * @param names the names of all tasks of the send
	 * @param sent how many tasks the send queued or tried to
	 * @param notQueued the ids of those not queued
	 * @param ex what Redis answered
	 */
	static TaskSendException refused(List<String> names, int sent, List<String> notQueued, Throwable ex) {
		String reason = (ex instanceof QueueKeyTypeException) ? ex.getMessage()
				: "Redis refused it (" + reason(ex) + ")";
		if (notQueued.size() >= sent) {
			String what = (names.size() == 1) ? "task '" + names.get(0) + "' (" + notQueued.get(0) + ")"
					: notQueued.size() + " tasks";
			return new TaskSendException("Could not send " + what + ": " + reason + "; nothing was queued", ex);
		}
		return new TaskSendException(notQueued.size() + " of " + sent + " tasks were not queued (" + shown(notQueued)
				+ "): " + reason + "; the others were queued", ex);
	}

	static String reason(Throwable ex) {
		return (ex instanceof DataAccessException dae) ? String.valueOf(dae.getMostSpecificCause().getMessage())
				: String.valueOf(ex.getMessage());
	}

	private static String tasks(List<String> names) {
		return (names.size() == 1) ? "task '" + names.get(0) + "'" : names.size() + " tasks";
	}

	private static String tasks(List<String> names, List<String> ids) {
		return (names.size() == 1) ? "task '" + names.get(0) + "' (" + ids.get(0) + ")"
				: ids.size() + " tasks (" + shown(ids) + ")";
	}

	private static String shown(List<String> ids) {
		return String.join(", ", ids.subList(0, Math.min(ids.size(), SHOWN_IDS)))
				+ ((ids.size() > SHOWN_IDS) ? ", ..." : "");
	}

}
