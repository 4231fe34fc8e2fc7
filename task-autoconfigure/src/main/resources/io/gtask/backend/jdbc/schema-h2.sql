-- gtask JDBC result backend, H2. Safe to run again: it creates only what is missing.
-- Times are epoch milliseconds. A row expires at expires_at (its last write plus gtask.result.ttl).
-- gtask substitutes gtask.backend.jdbc.table-prefix for the "gtask_" of the names below.
CREATE TABLE IF NOT EXISTS gtask_task (
	id VARCHAR(200) NOT NULL,
	name VARCHAR(200) NOT NULL,
	queue VARCHAR(100) NOT NULL,
	status VARCHAR(16) NOT NULL,
	attempts INTEGER NOT NULL,
	created_at BIGINT NOT NULL,
	started_at BIGINT,
	finished_at BIGINT,
	next_attempt_at BIGINT,
	updated_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	result CLOB,
	error_type VARCHAR(500),
	error_message CLOB,
	payload BLOB,
	due_at BIGINT,
	args CLOB,
	history CLOB,
	CONSTRAINT gtask_task_pk PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS gtask_task_expires_at_idx ON gtask_task (expires_at);
CREATE INDEX IF NOT EXISTS gtask_task_status_updated_at_idx ON gtask_task (status, updated_at);
