package io.gtask.worker;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.TransactionSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures of a write are told apart as the stores report them: refusals of the data, which
 * writing again never cures, from failures that pass.
 */
class WriteFailureClassifierTests {

	private final WriteFailureClassifier classifier = new WriteFailureClassifier();

	@Test
	void refusalsOfTheDataArePermanent() {
		assertThat(this.classifier.isPermanent(new DataIntegrityViolationException("x",
				new SQLException("ERROR: value too long for type character varying(200)", "22001"))))
			.isTrue();
		assertThat(this.classifier.isPermanent(new RedisSystemException("Error in execution",
				new RuntimeException("ERR user_script:14: WRONGTYPE Operation against a key holding the wrong kind"))))
			.isTrue();
		assertThat(this.classifier.isPermanent(new UncategorizedSQLException("update", "UPDATE",
				new SQLException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00"))))
			.isTrue();
	}

	@Test
	void documentOverMongoDbsLimitIsPermanent() {
		assertThat(this.classifier.isPermanent(new IllegalStateException("Write failed",
				new RuntimeException("Payload document size is larger than maximum of 16793600."))))
			.isTrue();
	}

	@Test
	void packetTooBigIsPermanentEvenWhenTheRollbackThatFollowedFailedOnTheClosedConnection() {
		TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
				new SQLException("Connection is closed"));
		rollback.initApplicationException(new UncategorizedSQLException("update", "UPDATE", new BatchUpdateException(
				"(conn=129) Got a packet bigger than 'max_allowed_packet' bytes", "08S01", 1153, new int[0])));
		assertThat(this.classifier.isPermanent(rollback)).isTrue();
		assertThat(WriteFailureClassifier.reason(rollback)).contains("max_allowed_packet");
		assertThat(WriteFailureClassifier.type(rollback)).isEqualTo(BatchUpdateException.class.getName());
	}

	@Test
	void connectionFailuresTimeoutsLocksAndRedisFailoverPass() {
		assertThat(this.classifier.isPermanent(new RedisConnectionFailureException("Unable to connect"))).isFalse();
		assertThat(this.classifier.isPermanent(new QueryTimeoutException("Redis did not answer within 2000 ms")))
			.isFalse();
		assertThat(this.classifier.isPermanent(new CannotAcquireLockException("lock wait timeout exceeded"))).isFalse();
		assertThat(this.classifier.isPermanent(new PessimisticLockingFailureException("deadlock detected"))).isFalse();
		assertThat(this.classifier.isPermanent(
				new RedisSystemException("Error", new RuntimeException("LOADING Redis is loading the dataset"))))
			.isFalse();
		assertThat(this.classifier.isPermanent(new RedisSystemException("Error",
				new RuntimeException("READONLY You can't write against a read only replica."))))
			.isFalse();
	}

	@Test
	void aDatabaseGoingAwayPassesEvenWhenTheValuesWrittenReadLikeARefusal() {
		// PostgreSQL's batch failures repeat the values written: a task's own error text must not decide
		BatchUpdateException batch = new BatchUpdateException("Batch entry 0 UPDATE gtask_task SET error_message = "
				+ "'String index out of range: 7 (URI too long)' was aborted: FATAL: terminating connection due to "
				+ "administrator command", "57P01", 0, new int[0]);
		assertThat(this.classifier.isPermanent(new UncategorizedSQLException("update", "UPDATE", batch))).isFalse();
		SQLException refused = new SQLException("Connection refused: value too long", "08001");
		assertThat(this.classifier.isPermanent(new DataAccessResourceFailureException("x", refused))).isFalse();
		assertThat(this.classifier.isPermanent(new IllegalStateException("out of range",
				new DataAccessResourceFailureException("Batch entry 0 ... 'value too long' ... was aborted")))).isFalse();
	}

	@Test
	void sqlStatesOfDataExceptionsAreRefusals() {
		assertThat(this.classifier.isPermanent(new UncategorizedSQLException("update", "UPDATE",
				new BatchUpdateException("Batch entry 0 ... was aborted", "22021", 0, new int[0])))).isTrue();
		assertThat(this.classifier.isPermanent(new UncategorizedSQLException("update", "UPDATE",
				new SQLException("Data too long for column 'id'", "22001", 1406)))).isTrue();
	}

	@Test
	void failuresOfUnknownKindPassSoThatAStoreThatIsAwayNeverFailsTasks() {
		assertThat(this.classifier.isPermanent(new IllegalStateException("something else"))).isFalse();
		assertThat(this.classifier.isPermanent(new RedisSystemException("Redis command failed", null))).isFalse();
	}

}
