--- Records how a member of a group ended, unless it was recorded before, and counts it down.
--- KEYS[1] the flow's hash; ARGV[1] the group's node id, ARGV[2] the member's place, ARGV[3]
--- the number of members, ARGV[4] the outcome.
--- Returns {left} while members are left, {0, outcome of each member in order} once none is,
--- nil if the flow is unknown.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local group = ARGV[1]
local size = tonumber(ARGV[3])
local counter = 'l:' .. group
if not tonumber(redis.call('HGET', KEYS[1], counter)) then
  return redis.error_reply('ERR gtask flow state: the counter ' .. counter .. ' is missing or not a whole number')
end
local left
if redis.call('HSETNX', KEYS[1], 'm:' .. group .. ':' .. ARGV[2], ARGV[4]) == 1 then
  left = redis.call('HINCRBY', KEYS[1], counter, -1)
else
  left = tonumber(redis.call('HGET', KEYS[1], counter))
end
if left > 0 then
  return {left}
end
local reply = {0}
local fields = {}
for i = 0, size - 1 do
  fields[#fields + 1] = 'm:' .. group .. ':' .. i
  if #fields == 1000 or i == size - 1 then
    local values = redis.call('HMGET', KEYS[1], unpack(fields))
    for j = 1, #fields do
      reply[#reply + 1] = values[j]
    end
    fields = {}
  end
end
return reply
