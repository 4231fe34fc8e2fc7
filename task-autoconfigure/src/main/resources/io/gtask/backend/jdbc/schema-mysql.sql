-- gtask JDBC result backend, MySQL 8 and MariaDB 10.5 or newer. Safe to run again: the indexes are
-- part of CREATE TABLE IF NOT EXISTS, as MySQL has no CREATE INDEX IF NOT EXISTS.
-- Times are epoch milliseconds. A row expires at expires_at (its last write plus gtask.result.ttl).
-- Task ids compare as binary strings, so that ids differing in case are different tasks, as in Redis.
-- gtask substitutes gtask.backend.jdbc.table-prefix for the "gtask_" of the names below.
CREATE TABLE IF NOT EXISTS gtask_task (
	id VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	name VARCHAR(200) NOT NULL,
	queue VARCHAR(100) NOT NULL,
	status VARCHAR(16) NOT NULL,
	attempts INT NOT NULL,
	created_at BIGINT NOT NULL,
	started_at BIGINT,
	finished_at BIGINT,
	next_attempt_at BIGINT,
	updated_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	result LONGTEXT,
	error_type VARCHAR(500),
	error_message MEDIUMTEXT,
	payload LONGBLOB,
	due_at BIGINT,
	args LONGTEXT,
	history LONGTEXT,
	PRIMARY KEY (id),
	INDEX gtask_task_expires_at_idx (expires_at),
	INDEX gtask_task_status_updated_at_idx (status, updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
