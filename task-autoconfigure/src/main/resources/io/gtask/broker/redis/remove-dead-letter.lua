--- Remove a dead letter and, when asked, queue a message in its place.
--- KEYS: the dead set, the dead letter, the lane, the tracked set.
--- ARGV: dead letter id, '1' to queue the message, the message, '1' to track the task.
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
local taskId = redis.call('HGET', KEYS[2], 'taskId')
redis.call('DEL', KEYS[2])
if ARGV[2] == '1' then
  redis.call('XADD', KEYS[3], '*', 'm', ARGV[3])
  if ARGV[4] == '1' and taskId then redis.call('SADD', KEYS[4], taskId) end
end
return 1
