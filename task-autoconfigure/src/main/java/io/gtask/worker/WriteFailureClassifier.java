package io.gtask.worker;

import java.sql.BatchUpdateException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells why a write of task outcomes failed: because the result backend or Redis refuses what
 * one task holds (a value longer than its column, a character the database cannot store, a
 * value over its packet limit, a Redis key of the wrong type), which writing it again never
 * cures, or because the store is away for a while (a lost connection, a timeout, a lock), which
 * waiting cures.
 * <p>
 * A failure that is neither known to be about the data nor known to pass is taken as passing,
 * so that a store that is away never turns a task into a failure.
 */
final class WriteFailureClassifier {

	/**
	 * Words of error messages that mean the data was refused, whatever the exception type: a
	 * packet over MySQL's limit comes with a broken connection, a Redis error with a generic type,
	 * a document over MongoDB's 16 MB with a driver exception of its own.
	 */
	private static final List<String> REFUSED_DATA = List.of("wrongtype", "max_allowed_packet", "packet too big",
			"packet for query is too large", "invalid byte sequence", "too long", "data truncation",
			"value too large", "string or binary data would be truncated", "out of range", "larger than maximum",
			"document is too large", "bsonobjecttoolarge");

	/**
	 * Prefixes of Redis errors that pass: loading, busy scripts, failover, out of memory.
	 */
	private static final List<String> PASSING_REDIS_ERRORS = List.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN",
			"MASTERDOWN", "READONLY", "OOM", "MISCONF", "NOREPLICAS");

	/**
	 * Whether a write failed because of what it holds, so that writing it again cannot succeed.
	 * @param ex the failure
	 * @return {@code true} for a refusal of the data, {@code false} for a failure that passes
	 */
	boolean isPermanent(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = next(cause)) {
			Boolean decided = (cause instanceof SQLException sql) ? bySqlState(sql) : null;
			if (decided != null) {
				return decided;
			}
		}
		for (Throwable cause = ex; cause != null; cause = next(cause)) {
			if (isPassing(cause)) {
				return false;
			}
		}
		for (Throwable cause = ex; cause != null; cause = next(cause)) {
			if (mayReadMessage(cause)) {
				String message = lowerCaseMessage(cause);
				if (REFUSED_DATA.stream().anyMatch(message::contains)) {
					return true;
				}
			}
		}
		for (Throwable cause = ex; cause != null; cause = next(cause)) {
			if (cause instanceof DataIntegrityViolationException || cause instanceof InvalidDataAccessApiUsageException
					|| cause instanceof SQLDataException || cause instanceof SQLIntegrityConstraintViolationException
					|| cause instanceof IllegalArgumentException || cause instanceof tools.jackson.core.JacksonException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Decide by the SQL state and vendor code of a database error, when they say: data
	 * exceptions, integrity violations and program limits are refusals; connection failures,
	 * shutdowns, deadlocks and lock timeouts pass. A packet over MySQL's limit is a refusal though
	 * its state is that of a broken connection.
	 */
	private static @Nullable Boolean bySqlState(SQLException sql) {
		for (SQLException error = sql; error != null; error = (error.getNextException() != error) ? error.getNextException() : null) {
			int code = error.getErrorCode();
			String state = error.getSQLState();
			if (code == 1153 || code == 1301 || (!(error instanceof BatchUpdateException)
					&& lowerCaseMessage(error).contains("max_allowed_packet"))) {
				return true;
			}
			if (code == 1205 || code == 1213) {
				return false;
			}
			if (code == 1406 || code == 1264 || code == 1366) {
				return true;
			}
			if (state != null && (state.startsWith("08") || state.startsWith("57") || state.startsWith("40")
					|| state.startsWith("53") || state.equals("HYT00"))) {
				return false;
			}
			if (state != null && (state.startsWith("22") || state.startsWith("23") || state.equals("54000"))) {
				return true;
			}
		}
		return null;
	}

	/**
	 * Whether the message of a failure may be searched for words: not a wrapper that repeats the
	 * statement, nor a batch failure of PostgreSQL, whose messages hold the values written (a
	 * task's error text could then read as a refusal).
	 */
	private static boolean mayReadMessage(Throwable cause) {
		return !(cause instanceof DataAccessException) && !(cause instanceof TransactionSystemException)
				&& !(cause instanceof BatchUpdateException);
	}

	private static boolean isPassing(Throwable cause) {
		if (cause instanceof TransientDataAccessException || cause instanceof RecoverableDataAccessException
				|| cause instanceof DataAccessResourceFailureException || cause instanceof SQLTransientException
				|| cause instanceof SQLRecoverableException || cause instanceof TimeoutException
				|| cause instanceof java.io.IOException || cause instanceof InterruptedException) {
			return true;
		}
		String name = cause.getClass().getName();
		if (name.startsWith("io.lettuce.core.") && (name.endsWith("ConnectionException")
				|| name.endsWith("TimeoutException") || name.endsWith("RedisBusyException"))) {
			return true;
		}
		String message = String.valueOf(cause.getMessage());
		return PASSING_REDIS_ERRORS.stream().anyMatch((prefix) -> message.startsWith(prefix + " "));
	}

	/**
	 * The reason of a failure in a few words, as the store gave it.
	 * @param ex the failure
	 * @return the message of its most specific cause
	 */
	static String reason(Throwable ex) {
		Throwable failure = writeFailure(ex);
		Throwable specific = mostSpecific(failure);
		String message = specific.getMessage();
		if (message == null || message.isBlank()) {
			message = (failure.getMessage() != null) ? failure.getMessage() : specific.getClass().getName();
		}
		return message.strip();
	}

	/**
	 * The type of the most specific cause of a failure, the one that said what was wrong.
	 * @param ex the failure
	 * @return the name of its type
	 */
	static String type(Throwable ex) {
		return mostSpecific(writeFailure(ex)).getClass().getName();
	}

	private static Throwable mostSpecific(Throwable ex) {
		return (ex instanceof DataAccessException dae) ? dae.getMostSpecificCause() : ex;
	}

	/**
	 * The failure of the write itself, rather than that of the rollback that followed it.
	 */
	private static Throwable writeFailure(Throwable ex) {
		return (ex instanceof TransactionSystemException tse && tse.getApplicationException() != null)
				? tse.getApplicationException() : ex;
	}

	private static String lowerCaseMessage(Throwable cause) {
		return (cause.getMessage() != null) ? cause.getMessage().toLowerCase(Locale.ROOT) : "";
	}

	/**
	 * The cause of a failure; for a rollback that failed after a write failed (the database
	 * closed the connection on a packet too big), the failure of the write.
	 */
	private static @Nullable Throwable next(Throwable cause) {
		if (cause instanceof TransactionSystemException tse && tse.getApplicationException() != null) {
			return tse.getApplicationException();
		}
		return (cause.getCause() != cause) ? cause.getCause() : null;
	}

}
