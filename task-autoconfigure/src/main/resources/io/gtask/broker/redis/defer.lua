--- Set a delivery aside in the waiting list of its task name, when it was still pending.
--- KEYS: the lane.
--- ARGV: group, entry id, queue key prefix, task name, waiting member, delivery identity, and the
--- task group whose permit the delivery holds, if any.
local waiting = ARGV[3] .. 'waiting:' .. ARGV[4]
local t = redis.call('TYPE', waiting)['ok']
if t ~= 'none' and t ~= 'list' then
  return redis.error_reply('WRONGTYPE ' .. waiting .. ' holds a ' .. t .. ', not a list')
end
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('ZREM', ARGV[3] .. 'leases:' .. ARGV[4], ARGV[6])
if ARGV[7] and ARGV[7] ~= '' then redis.pcall('ZREM', ARGV[3] .. 'group-leases:' .. ARGV[7], ARGV[6]) end
redis.call('RPUSH', ARGV[3] .. 'waiting:' .. ARGV[4], ARGV[5])
redis.pcall('SADD', ARGV[3] .. 'limited', ARGV[4])
return 1
