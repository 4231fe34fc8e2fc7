--- Forget consumers whose heartbeats ended.
--- KEYS: the consumer set.
--- ARGV: now.
return redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
