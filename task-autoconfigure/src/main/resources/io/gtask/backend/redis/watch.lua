--- KEYS: the task. ARGV: the caller's channel. Adds the channel to the task's waiters and
--- returns the task's fields, or nothing for an unknown task.
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local waiters = redis.call('HGET', KEYS[1], 'waiters')
if not waiters then
  redis.call('HSET', KEYS[1], 'waiters', ARGV[1])
elseif not string.find(' ' .. waiters .. ' ', ' ' .. ARGV[1] .. ' ', 1, true) then
  redis.call('HSET', KEYS[1], 'waiters', waiters .. ' ' .. ARGV[1])
end
return redis.call('HGETALL', KEYS[1])
