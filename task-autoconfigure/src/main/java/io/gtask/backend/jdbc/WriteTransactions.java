package io.gtask.backend.jdbc;

import javax.sql.DataSource;

import org.springframework.core.log.LogAccessor;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the writes of the {@link JdbcResultBackend} in transactions of their own, at the
 * isolation level of the platform, joining the transaction of the calling thread if it has one
 * on the same {@link DataSource}. A write that fails on a deadlock or a lock timeout is tried
 * again, up to five times in all, unless it joined the caller's transaction, which the failure
 * has spoilt.
 */
final class WriteTransactions {

	// the backend's category, which users turn on to see its writes
	private static final LogAccessor logger = new LogAccessor(JdbcResultBackend.class);

	private static final int MAX_WRITE_ATTEMPTS = 5;

	private final TransactionTemplate transactions;

	WriteTransactions(DataSource dataSource, JdbcPlatform platform) {
		this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
		this.transactions.setIsolationLevel(platform.isolationLevel());
	}

	/**
	 * Run writes in a transaction, again if it failed on a lock, unless it joined the caller's.
	 * @param action the writes, which read the time afresh on each attempt
	 * @return what the writes answered
	 */
	<T> T write(TransactionCallback<T> action) {
		boolean joined = TransactionSynchronizationManager.isActualTransactionActive();
		for (int attempt = 1;; attempt++) {
			try {
				return this.transactions.execute(action);
			}
			catch (ConcurrencyFailureException ex) {
				if (joined || attempt >= MAX_WRITE_ATTEMPTS) {
					throw ex;
				}
				int failed = attempt;
				logger.debug(ex, () -> "Writing task states failed on a lock (attempt " + failed + "); trying again");
			}
		}
	}

}
