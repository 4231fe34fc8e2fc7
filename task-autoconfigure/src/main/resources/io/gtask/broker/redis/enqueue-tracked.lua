--- Queue a task and mark it tracked in one step, so that a task is tracked exactly when its
--- message is queued.
--- KEYS: the lane or delayed set, the tracked set.
--- ARGV: task id, 'z' for the delayed set or 's' for the lane, the message, the due time.
if ARGV[2] == 'z' then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
else
  redis.call('XADD', KEYS[1], '*', 'm', ARGV[3])
end
return redis.call('SADD', KEYS[2], ARGV[1])
