--- Record a revoked task id, forgetting those revoked long ago.
--- KEYS: the revoked set.
--- ARGV: task id, time, oldest time kept.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
return redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
