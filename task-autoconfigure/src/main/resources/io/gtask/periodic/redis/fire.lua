--- Record a tick if it is later than the one recorded and, if so and asked, queue its task.
--- KEYS: the schedule's marker, the queue's ready stream.
--- ARGV: tick, time to live of the marker, '1' to queue the task, message, schedule name, schedule id.
local last = tonumber(redis.call('GET', KEYS[1]) or '')
if last and last >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[3] == '1' then
  redis.call('XADD', KEYS[2], '*', 'm', ARGV[4], 'n', ARGV[5], 'i', ARGV[6])
end
return 1
