--- Take a uniqueness key and queue a task, or answer with the id of the task holding the key.
--- KEYS: the uniqueness key, the lane or delayed set, and in durable mode the tracked set.
--- ARGV: task id, time to live of the uniqueness key, 'z' for the delayed set or 's' for the lane,
--- the message, the due time.
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('GET', KEYS[1])
end
if ARGV[3] == 'z' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
else
  redis.call('XADD', KEYS[2], '*', 'm', ARGV[4])
end
if KEYS[3] then redis.call('SADD', KEYS[3], ARGV[1]) end
return false
