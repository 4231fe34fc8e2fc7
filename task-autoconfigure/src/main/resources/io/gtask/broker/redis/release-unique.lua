--- Release a uniqueness key held by the given task.
--- KEYS: the uniqueness key.
--- ARGV: task id.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
