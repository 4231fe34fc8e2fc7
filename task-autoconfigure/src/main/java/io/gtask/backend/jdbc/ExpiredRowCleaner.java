package io.gtask.backend.jdbc;

import java.util.function.BooleanSupplier;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deletes the expired rows of the task table, in statements of a bounded number of rows, each
 * in a short transaction of its own, so that cleaning never holds many locks for long.
 */
final class ExpiredRowCleaner {

	private final JdbcTemplate jdbc;

	private final TaskTable table;

	private final WriteTransactions transactions;

	/**
	 * Create a cleaner.
	 * @param jdbc the database
	 * @param table the statements
	 * @param transactions runs each statement in a transaction
	 */
	ExpiredRowCleaner(JdbcTemplate jdbc, TaskTable table, WriteTransactions transactions) {
		this.jdbc = jdbc;
		this.table = table;
		this.transactions = transactions;
	}

	/**
	 * Delete the rows expired at a time, until a statement deletes fewer rows than the batch
	 * size or the owner stops.
	 * @param now the time, in epoch milliseconds
	 * @param batchSize the most rows one statement deletes
	 * @param stopped whether to stop between two statements
	 * @return the number of rows deleted
	 */
	int deleteExpired(long now, int batchSize, BooleanSupplier stopped) {
		int total = 0;
		int deleted;
		do {
			deleted = this.transactions
				.write((status) -> this.jdbc.update(this.table.deleteExpiredBatch, now, batchSize));
			total += deleted;
		}
		while (deleted >= batchSize && !stopped.getAsBoolean());
		return total;
	}

}
