--- Forget a tracked task id.
--- KEYS: the tracked set.
--- ARGV: task id.
return redis.call('SREM', KEYS[1], ARGV[1])
