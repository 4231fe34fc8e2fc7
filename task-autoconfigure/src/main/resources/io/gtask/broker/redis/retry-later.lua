--- Acknowledge a delivery and schedule its next attempt in the delayed set, when it was still
--- pending.
--- KEYS: the lane, the delayed set.
--- ARGV: group, entry id, due time, delayed member.
local t = redis.call('TYPE', KEYS[2])['ok']
if t ~= 'none' and t ~= 'zset' then
  -- refused before acknowledging: the delivery stays pending and is taken over later
  return redis.error_reply('WRONGTYPE ' .. KEYS[2] .. ' holds a ' .. t .. ', not a zset')
end
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XDEL', KEYS[1], ARGV[2])
return redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
