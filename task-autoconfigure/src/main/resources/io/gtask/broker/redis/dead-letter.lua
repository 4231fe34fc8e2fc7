--- Acknowledge a delivery and keep it as a dead letter, dropping the oldest dead letters beyond
--- the limits. A revoked id ends with its task's dead letter.
--- KEYS: the lane, the dead set, the dead letter, the revoked set.
--- ARGV: group, entry id, time, most dead letters kept, oldest time kept, prefix of dead letters,
--- dead letter id, then the fields of the dead letter.
-- refuse before acknowledging anything, so that the delivery stays pending and nothing is lost
for _, pair in ipairs({{KEYS[2], 'zset'}, {KEYS[3], 'hash'}}) do
  local t = redis.call('TYPE', pair[1])['ok']
  if t ~= 'none' and t ~= pair[2] then
    return redis.error_reply('WRONGTYPE ' .. pair[1] .. ' holds a ' .. t .. ', not a ' .. pair[2])
  end
end
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[3], unpack(ARGV, 8))
for i = 8, #ARGV - 1, 2 do
  if ARGV[i] == 'taskId' then redis.pcall('ZREM', KEYS[4], ARGV[i + 1]) end
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[7])
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[5])
local excess = redis.call('ZCARD', KEYS[2]) - #old - tonumber(ARGV[4])
if excess > 0 then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], #old, #old + excess - 1)) do table.insert(old, id) end
end
for _, id in ipairs(old) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('DEL', ARGV[6] .. id)
end
return #old
